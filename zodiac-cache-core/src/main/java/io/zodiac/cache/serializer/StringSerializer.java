package io.zodiac.cache.serializer;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strings as UTF-8 bytes, readable by any client of the store. Only {@link CharSequence} values
 * are accepted. Null is stored as the single byte {@code 0xC0}, which never occurs in UTF-8.
 */
public final class StringSerializer implements Serializer {

    private static final byte[] NULL = {(byte) 0xC0};

    @Override
    public String name() {
        return "string";
    }

    @Override
    public Object encode(Object value) {
        if (value == null) {
            return NULL.clone();
        }
        if (!(value instanceof CharSequence text)) {
            throw new SerializationException("string serializer accepts only strings, got a "
                    + value.getClass().getName());
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object decode(Object stored, Type type) {
        if (!(stored instanceof byte[] bytes)) {
            throw new SerializationException("string serializer expects byte[], got "
                    + (stored == null ? "null" : stored.getClass().getName()));
        }
        if (bytes.length == 1 && bytes[0] == NULL[0]) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SerializationException("string serializer found " + bytes.length + " bytes that are not UTF-8", e);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
