package io.zodiac.cache;

/**
 * The cache cannot reach its backend. Either its circuit breaker is open (the backend failed
 * repeatedly and is not called until a probe succeeds; thrown without touching the backend, so a
 * dead server costs no timeout), or the cache has not connected to its server yet (a cache set up
 * while its server is down connects in the background; a call waits for that within the operation
 * timeout, then fails with this exception, naming the cache, the server and the last connect error).
 */
public class CacheUnavailableException extends ZodiacCacheException {

    private static final long serialVersionUID = 1L;

    public CacheUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
