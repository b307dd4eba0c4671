package io.zodiac.cache.serializer;

import io.zodiac.cache.ZodiacCacheException;

/** A value could not be encoded, or stored data could not be decoded. */
public class SerializationException extends ZodiacCacheException {

    private static final long serialVersionUID = 1L;

    public SerializationException(String message) {
        super(message);
    }

    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
