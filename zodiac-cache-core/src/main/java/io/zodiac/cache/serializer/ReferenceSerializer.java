package io.zodiac.cache.serializer;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Stores the object itself, as Caffeine does: no copy, no encoding. The in-memory default.
 * A stored object that is mutated afterwards changes in the cache too.
 */
public final class ReferenceSerializer implements Serializer {

    /** The shared instance. */
    public static final ReferenceSerializer INSTANCE = new ReferenceSerializer();

    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private ReferenceSerializer() {
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Object encode(Object value) {
        return value == null ? NULL : value;
    }

    @Override
    public Object decode(Object stored, Type type) {
        if (stored == NULL) {
            return null;
        }
        Class<?> raw = rawClass(type);
        if (raw != Object.class && !wrap(raw).isInstance(stored)) {
            throw new SerializationException("stored " + stored.getClass().getName()
                    + " is not a " + type.getTypeName());
        }
        return stored;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }

    private static Class<?> wrap(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        if (c == int.class) {
            return Integer.class;
        }
        if (c == long.class) {
            return Long.class;
        }
        if (c == boolean.class) {
            return Boolean.class;
        }
        if (c == double.class) {
            return Double.class;
        }
        if (c == float.class) {
            return Float.class;
        }
        if (c == short.class) {
            return Short.class;
        }
        if (c == byte.class) {
            return Byte.class;
        }
        if (c == char.class) {
            return Character.class;
        }
        return Void.class;
    }

    @Override
    public String toString() {
        return name();
    }
}
