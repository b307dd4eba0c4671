package io.zodiac.cache;

/** Base of the exceptions zodiac-cache raises for a failed cache operation. */
public class ZodiacCacheException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ZodiacCacheException(String message) {
        super(message);
    }

    public ZodiacCacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
