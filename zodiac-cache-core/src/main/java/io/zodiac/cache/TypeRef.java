package io.zodiac.cache;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A full generic type for typed reads, captured by subclassing:
 * {@code cache.get("users", new TypeRef<List<User>>() {})}.
 *
 * @param <T> the type
 */
public abstract class TypeRef<T> {

    private final Type type;

    /** Captures the type argument of the anonymous subclass. */
    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized)) {
            throw new IllegalArgumentException("TypeRef must be created with a type argument: new TypeRef<List<User>>() {}");
        }
        this.type = parameterized.getActualTypeArguments()[0];
    }

    private TypeRef(Type type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /** A reference to a type known only at run time (a method's generic return type). */
    public static <T> TypeRef<T> of(Type type) {
        return new TypeRef<>(type) {
        };
    }

    /** The captured type. */
    public Type type() {
        return type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypeRef<?> other && type.equals(other.type);
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public String toString() {
        return "TypeRef<" + type.getTypeName() + ">";
    }
}
