package io.zodiac.cache;

import io.zodiac.cache.spi.KeyText;

/**
 * A value whose encoded form is larger than the cache's {@code max_value_size}
 * ({@link CacheConfig.Builder#maxValueSize(long)}): nothing was stored, and the backend was not
 * called. An argument error, never counted as a backend failure by the circuit breaker.
 * {@code getOrSet} returns such a value without storing it (its producer runs again on the next
 * call) and reports it to the plugins as a {@link io.zodiac.cache.plugin.CacheEvent.Kind#VALUE_TOO_LARGE}
 * event.
 */
public class ValueTooLargeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final long size;
    private final long maxValueSize;

    /**
     * @param cache the cache's name
     * @param key the key written (shortened in the message when long)
     * @param size the value's encoded size, in bytes
     * @param maxValueSize the cache's {@code max_value_size}, in bytes
     */
    public ValueTooLargeException(String cache, String key, long size, long maxValueSize) {
        super("Cache '" + cache + "': the value of key '" + KeyText.of(key) + "' is " + size + " bytes encoded, over "
                + "max_value_size (" + maxValueSize + " bytes); nothing was stored. Store a smaller value, or raise "
                + "max_value_size up to what the backend can store");
        this.size = size;
        this.maxValueSize = maxValueSize;
    }

    /** The value's encoded size, in bytes. */
    public long size() {
        return size;
    }

    /** The cache's {@code max_value_size}, in bytes. */
    public long maxValueSize() {
        return maxValueSize;
    }
}
