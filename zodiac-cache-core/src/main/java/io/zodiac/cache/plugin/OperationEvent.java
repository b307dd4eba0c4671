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
 * @param internal {@code true} for a step that {@code getOrSet} takes on its own (its reads, lock
 *     calls, producer run and store), {@code false} for an operation the caller asked for; a
 *     plugin that counts the caller's reads skips internal {@code GET}s
 */
public record OperationEvent(
        String cache,
        Operation operation,
        String key,
        Object result,
        boolean hit,
        long elapsedNanos,
        Throwable error,
        boolean internal) {

    /** An operation the caller asked for ({@link #internal()} is {@code false}). */
    public OperationEvent(String cache, Operation operation, String key, Object result, boolean hit, long elapsedNanos,
            Throwable error) {
        this(cache, operation, key, result, hit, elapsedNanos, error, false);
    }

    /** {@code true} when the operation failed. */
    public boolean failed() {
        return error != null;
    }
}
