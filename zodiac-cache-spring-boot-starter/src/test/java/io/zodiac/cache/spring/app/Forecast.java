package io.zodiac.cache.spring.app;

import java.math.BigDecimal;
import java.time.Instant;

/** A value class of the application's own package, as a {@code @SpringBootApplication} would have. */
public record Forecast(String city, BigDecimal temperature, Instant computedAt) {
}
