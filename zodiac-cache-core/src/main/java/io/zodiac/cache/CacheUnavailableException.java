package io.zodiac.cache;

/**
 * The cache's circuit breaker is open: the backend failed repeatedly and is not called until a
 * probe succeeds. Thrown without touching the backend, so a dead server costs no timeout.
 */
public class CacheUnavailableException extends ZodiacCacheException {

    private static final long serialVersionUID = 1L;

    public CacheUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
