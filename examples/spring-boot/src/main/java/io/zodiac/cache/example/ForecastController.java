package io.zodiac.cache.example;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /forecasts/{city}}. */
@RestController
public class ForecastController {

    private final ForecastService forecasts;

    public ForecastController(ForecastService forecasts) {
        this.forecasts = forecasts;
    }

    @GetMapping("/forecasts/{city}")
    public Forecast forecast(@PathVariable String city) {
        return forecasts.forecast(city);
    }
}
