package io.zodiac.cache.spring;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.serializer.Serializer;
import io.zodiac.cache.serializer.Serializers;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import org.springframework.core.ResolvableType;

/**
 * How the Spring cache bridge stores values in one zodiac cache and reads them back.
 *
 * <p>A cache whose serializer is {@code json} loses the class of what it stores (an object reads back
 * as a {@code Map}), so values go in a {@link ValueEnvelope} with their type name and are read back
 * as that type, when {@link AllowedTypes} allows it. Every other serializer keeps types itself: the
 * in-memory {@code reference} serializer stores the objects, {@code java} records the class (and has
 * its own allowlist), {@code string} and {@code bytes} store only strings and bytes; values are stored
 * as they are there.
 */
final class StoredValues {

    /** What a read yields for an absent key. */
    static final Object ABSENT = new Object();

    private final AllowedTypes types;
    /** The serializer that reads envelope contents as their type; {@code null} when values are stored as they are. */
    private final Serializer json;

    private StoredValues(AllowedTypes types, Serializer json) {
        this.types = types;
        this.json = json;
    }

    /** The stored values of {@code cache}: in envelopes when its serializer is JSON. */
    static StoredValues of(ZodiacCache cache, AllowedTypes types) {
        CacheConfig config = cache.config();
        String serializer = config.serializerName() != null ? config.serializerName()
                : "memory".equals(config.backend()) ? "reference" : "json";
        if (!serializer.equals("json")) {
            return new StoredValues(types, null);
        }
        return new StoredValues(types, config.serializer() != null ? config.serializer() : Serializers.byName("json"));
    }

    /** Whether values are stored in envelopes. */
    boolean enveloped() {
        return json != null;
    }

    /** The type to read stored forms as. */
    Class<?> storedType() {
        return enveloped() ? ValueEnvelope.class : Object.class;
    }

    /**
     * The stored form of {@code value} ({@code null} included).
     *
     * @throws AllowedTypes.NotAllowedException when its type could not be read back
     */
    Object store(Object value) {
        if (!enveloped()) {
            return value;
        }
        return value == null ? new ValueEnvelope(ValueEnvelope.NULL, null) : new ValueEnvelope(types.typeName(value), value);
    }

    /** The value under {@code key}, {@code null} for a cached null, {@link #ABSENT} when there is none. */
    Object readNow(BlockingCache cache, String key) {
        return enveloped() ? valueOf(cache.get(key, ValueEnvelope.class)) : cache.getOrDefault(key, ABSENT);
    }

    /** {@link #readNow} without blocking. */
    CompletableFuture<Object> read(ZodiacCache cache, String key) {
        return enveloped() ? cache.get(key, ValueEnvelope.class).thenApply(this::valueOf) : cache.getOrDefault(key, ABSENT);
    }

    /**
     * The value of a stored form, {@link #ABSENT} for none ({@code null}).
     *
     * @throws AllowedTypes.NotAllowedException when its type is not allowed, or it is not an envelope
     */
    Object valueOf(Object stored) {
        if (!enveloped() || stored == null) {
            return stored == null ? ABSENT : stored;
        }
        ValueEnvelope envelope = (ValueEnvelope) stored;
        if (envelope.type() == null) {
            throw new AllowedTypes.NotAllowedException("(none)", "the value has no @type: it was not written by the "
                    + "Spring cache bridge");
        }
        if (envelope.type().equals(ValueEnvelope.NULL)) {
            return null;
        }
        Type type = types.resolve(envelope.type());
        Object value = envelope.value();
        if (value instanceof com.fasterxml.jackson.databind.util.TokenBuffer tokens) {
            return json.decode(json.encode(tokens), type);
        }
        if (value != null && !ResolvableType.forType(type).toClass().isInstance(value)) {
            throw new AllowedTypes.NotAllowedException(envelope.type(), "the value is a " + value.getClass().getName());
        }
        return value;
    }
}
