package io.zodiac.cache.serializer;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Raw {@code byte[]} values, stored as they are. Null is stored as a fixed 16-byte marker
 * ({@code "\0zodiac-null\0\0\0\0"}); storing exactly those bytes reads back as null.
 */
public final class BytesSerializer implements Serializer {

    private static final byte[] NULL = "\0zodiac-null\0\0\0\0".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "bytes";
    }

    @Override
    public Object encode(Object value) {
        if (value == null) {
            return NULL.clone();
        }
        if (!(value instanceof byte[] bytes)) {
            throw new SerializationException("bytes serializer accepts only byte[], got a "
                    + value.getClass().getName());
        }
        return bytes;
    }

    @Override
    public Object decode(Object stored, Type type) {
        if (!(stored instanceof byte[] bytes)) {
            throw new SerializationException("bytes serializer expects byte[], got "
                    + (stored == null ? "null" : stored.getClass().getName()));
        }
        return Arrays.equals(bytes, NULL) ? null : bytes;
    }

    /** Decoding returns the stored array itself: it never leaves the I/O thread. */
    @Override
    public int inlineDecodeLimit() {
        return Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
        return name();
    }
}
