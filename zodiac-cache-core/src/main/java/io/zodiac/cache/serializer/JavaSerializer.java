package io.zodiac.cache.serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

/**
 * Java native serialization, opt-in only: reading untrusted bytes with
 * {@link ObjectInputStream} is a remote-code-execution hole, so every read is filtered through a
 * class allowlist ({@link ObjectInputFilter} patterns such as {@code com.example.**}), and any
 * class outside it makes the value unreadable (a miss). The JDK's {@code java.lang},
 * {@code java.util}, {@code java.time} and {@code java.math} value classes are always allowed.
 *
 * <pre>{@code
 * CacheConfig.builder().serializer(JavaSerializer.allowing("com.example.model.**"))
 * }</pre>
 */
public final class JavaSerializer implements Serializer {

    private static final String JDK_VALUES = "java.lang.*;java.util.*;java.time.*;java.math.*;[*";

    private final List<String> allowlist;
    private final ObjectInputFilter filter;

    private JavaSerializer(List<String> allowlist) {
        this.allowlist = List.copyOf(allowlist);
        for (String pattern : this.allowlist) {
            if (pattern.isBlank() || pattern.contains(";") || pattern.startsWith("!")) {
                throw new IllegalArgumentException("java serializer allowlist pattern must be a class or package pattern "
                        + "such as com.example.** (no ';' or '!'): '" + pattern + "'");
            }
        }
        String patterns = JDK_VALUES + (this.allowlist.isEmpty() ? "" : ";" + String.join(";", this.allowlist)) + ";!*";
        this.filter = ObjectInputFilter.Config.createFilter(patterns);
    }

    /**
     * A serializer that reads only the JDK value classes and the classes matching the patterns
     * ({@code com.example.Type}, {@code com.example.*} for a package, {@code com.example.**}
     * for a package and its sub-packages).
     */
    public static JavaSerializer allowing(String... patterns) {
        return new JavaSerializer(List.of(Objects.requireNonNull(patterns, "patterns")));
    }

    /** The patterns given to {@link #allowing(String...)}. */
    public List<String> allowlist() {
        return allowlist;
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Object encode(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new SerializationException("java serializer cannot encode a " + value.getClass().getName()
                    + ": " + e.getMessage() + " is not Serializable", e);
        } catch (IOException e) {
            throw new SerializationException("java serializer cannot encode a " + value.getClass().getName(), e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(Object stored, Type type) {
        if (!(stored instanceof byte[] bytes)) {
            throw new SerializationException("java serializer expects byte[], got "
                    + (stored == null ? "null" : stored.getClass().getName()));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        } catch (InvalidClassException e) {
            throw new SerializationException("java serializer refused stored data: " + e.getMessage()
                    + " (not in the allowlist " + allowlist + ")", e);
        } catch (IOException | ClassNotFoundException e) {
            throw new SerializationException("java serializer cannot decode " + bytes.length + " bytes", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JavaSerializer other && allowlist.equals(other.allowlist);
    }

    @Override
    public int hashCode() {
        return allowlist.hashCode();
    }

    @Override
    public String toString() {
        return "java" + allowlist;
    }
}
