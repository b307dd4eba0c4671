package io.zodiac.cache.example;

import io.zodiac.cache.Cached;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;

/** Computes forecasts slowly, as a remote weather API would; each one is cached for a minute. */
@Service
public class ForecastService {

    /** How long computing one forecast takes. */
    static final Duration LOOKUP_TIME = Duration.ofMillis(200);

    private static final List<String> SUMMARIES = List.of("sunny", "cloudy", "rainy", "windy", "snowy");

    /**
     * The forecast of a city, computed at most once a minute per city (and once at a time: concurrent
     * requests for one city wait for the same computation).
     */
    @Cached(ttl = 60)
    public Forecast forecast(String city) {
        try {
            Thread.sleep(LOOKUP_TIME.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing the forecast of " + city, e);
        }
        int seed = Math.abs(city.toLowerCase().hashCode());
        return new Forecast(city, SUMMARIES.get(seed % SUMMARIES.size()), seed % 35 - 5, Instant.now());
    }
}
