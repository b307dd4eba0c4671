package io.zodiac.cache.plugin;

/**
 * The outcome of one operation, given to {@link CachePlugin#post(OperationEvent)}.
 *
 * @param cache the cache's name
 * @param operation the operation
 * @param key the key, or {@code null} for operations on many keys or none
 * @param result the decoded result ({@code null} on error)
 * @param hit for reads, {@code true} when the value came from the cache
 * @param elapsedNanos the time the operation took
 * @param error the failure, or {@code null}
 */
public record OperationEvent(
        String cache,
        Operation operation,
        String key,
        Object result,
        boolean hit,
        long elapsedNanos,
        Throwable error) {

    /** {@code true} when the operation failed. */
    public boolean failed() {
        return error != null;
    }
}
