package io.zodiac.cache.example;

import java.time.Instant;

/**
 * A weather forecast.
 *
 * @param city the city
 * @param summary what the weather will be
 * @param temperatureCelsius the expected temperature
 * @param computedAt when the forecast was computed: the same on every cached answer
 */
public record Forecast(String city, String summary, int temperatureCelsius, Instant computedAt) {
}
