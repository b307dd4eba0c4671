package io.zodiac.cache;

/** A backend operation did not answer within the cache's operation timeout. */
public class CacheTimeoutException extends ZodiacCacheException {

    private static final long serialVersionUID = 1L;

    public CacheTimeoutException(String message) {
        super(message);
    }
}
