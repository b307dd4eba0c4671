package io.zodiac.cache.spi;

import java.time.Duration;

/**
 * A stored value with its remaining time to live, as {@link Backend#getWithTtl} reads them together.
 *
 * @param value the stored value ({@code null} only for a stored null, once decoded)
 * @param remaining the remaining time to live; {@code null} when the key never expires or the
 *        backend cannot tell
 */
public record StoredValue(Object value, Duration remaining) {
}
