package io.zodiac.cache.serializer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * JSON through Jackson, the default of remote backends. Untyped reads give Jackson's natural
 * types ({@code Map}, {@code List}, {@code String}, numbers, booleans); typed reads
 * ({@code get(key, User.class)}, a {@link io.zodiac.cache.TypeRef}) give the type asked for.
 * JSON {@code null} is the stored form of null. Unknown properties are ignored on read, so
 * values written by an older class version still decode.
 *
 * <p>The default mapper reads strings and property names of any length: Jackson's own bounds
 * (20 million characters for a string) would let a cache store a value that it can never read
 * back. Here the input is a stored value already in memory, bounded by the cache's
 * {@code max_value_size} when written, so those bounds protect nothing. A mapper of your own
 * keeps its own {@link StreamReadConstraints}: give it bounds at least as large as the
 * {@code max_value_size} of the caches that use it.
 */
public final class JsonSerializer implements Serializer {

    private final ObjectMapper mapper;

    /**
     * A serializer with a mapper configured for caching (java.time, Optional, lenient reads,
     * strings of any length).
     */
    public JsonSerializer() {
        this(new ObjectMapper(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxStringLength(Integer.MAX_VALUE)
                                .maxNameLength(Integer.MAX_VALUE)
                                .build())
                        .build())
                .registerModule(new JavaTimeModule())
                .registerModule(new Jdk8Module())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }

    /** A serializer on the caller's mapper. */
    public JsonSerializer(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public Object encode(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SerializationException("json serializer cannot encode a "
                    + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public Object decode(Object stored, Type type) {
        if (!(stored instanceof byte[] bytes)) {
            throw new SerializationException("json serializer expects byte[], got "
                    + (stored == null ? "null" : stored.getClass().getName()));
        }
        try {
            return mapper.readValue(bytes, mapper.constructType(type));
        } catch (IOException e) {
            throw new SerializationException("json serializer cannot decode " + bytes.length
                    + " bytes as " + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
