package io.zodiac.cache.serializer;

import java.util.Objects;

/** The built-in serializers by name. */
public final class Serializers {

    private Serializers() {
    }

    /**
     * The serializer called {@code name}: {@code reference}, {@code json}, {@code string} or
     * {@code bytes}. {@code java} needs an allowlist and is refused here: pass
     * {@link JavaSerializer#allowing(String...)} instead.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Serializer byName(String name) {
        Objects.requireNonNull(name, "serializer");
        return switch (name) {
            case "reference" -> ReferenceSerializer.INSTANCE;
            case "json" -> new JsonSerializer();
            case "string" -> new StringSerializer();
            case "bytes" -> new BytesSerializer();
            case "java" -> throw new IllegalArgumentException("serializer 'java' reads native Java serialization, "
                    + "which is unsafe without a class allowlist: pass JavaSerializer.allowing(\"com.example.**\") instead");
            default -> throw new IllegalArgumentException("serializer '" + name
                    + "' is unknown: use reference, json, string, bytes or a Serializer instance");
        };
    }
}
