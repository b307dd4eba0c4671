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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Java native serialization, opt-in only: reading untrusted bytes with
 * {@link ObjectInputStream} is a remote-code-execution hole, so every read is filtered through a
 * class allowlist ({@link ObjectInputFilter} patterns such as {@code com.example.**}), and any
 * class outside it makes the value unreadable (a miss). The JDK's {@code java.lang},
 * {@code java.util}, {@code java.time} and {@code java.math} value classes are always allowed.
 *
 * <p>Allowed classes alone can still be turned against the reader: a few kilobytes of nested
 * {@code HashSet}s take hours to read, a 27-byte stream can declare an array of gigabytes. Every
 * read is therefore also bounded, and a stream over a bound is refused (a miss) before the work
 * or the allocation happens:
 * <ul>
 *   <li>{@code maxDepth} (default {@value #DEFAULT_MAX_DEPTH}, as the JDK's RMI registry): objects
 *       nested deeper are refused. The cost of the nested-set attack doubles with each level: at
 *       the default the worst such value reads in tens of milliseconds, and a deeper one is
 *       refused in about as much time as it takes to read its first 21 levels;
 *   <li>{@code maxArrayLength} (default {@value #DEFAULT_MAX_ARRAY_LENGTH}): no array, nor a
 *       collection's backing table, may be longer; nor longer than the stream itself (or 1024
 *       elements), since a real array takes at least a byte of the stream per element;
 *   <li>{@code maxReferences} (default {@value #DEFAULT_MAX_REFERENCES}): objects and back
 *       references in one stream;
 *   <li>{@code maxBytes} (default {@value #DEFAULT_MAX_BYTES}, 16 MiB): the stream's length. A value
 *       whose encoding is longer is refused when it is written too, so every value this
 *       serializer writes, it reads back (within the depth and array bounds).
 * </ul>
 *
 * <pre>{@code
 * CacheConfig.builder().serializer(JavaSerializer.allowing("com.example.model.**"))
 * CacheConfig.builder().serializer(JavaSerializer.builder().allow("com.example.model.**").maxDepth(40).build())
 * }</pre>
 *
 * <p>Values of this serializer are always decoded off the backend's I/O threads
 * ({@link #inlineDecodeLimit()} is 0): how long a read takes does not follow from its size.
 */
public final class JavaSerializer implements Serializer {

    /** The default bound on object nesting. */
    public static final int DEFAULT_MAX_DEPTH = 20;
    /** The default bound on the length of any array in a stream. */
    public static final int DEFAULT_MAX_ARRAY_LENGTH = 16 * 1024 * 1024;
    /** The default bound on objects and back references in a stream. */
    public static final long DEFAULT_MAX_REFERENCES = 1_000_000;
    /** The default bound on a stream's length, in bytes (16 MiB). */
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

    /** Arrays up to this length are accepted whatever the stream's length (small tables of empty collections). */
    private static final int SMALL_ARRAY = 1024;
    private static final String JDK_VALUES = "java.lang.*;java.util.*;java.time.*;java.math.*;[*";

    private final List<String> allowlist;
    private final int maxDepth;
    private final int maxArrayLength;
    private final long maxReferences;
    private final long maxBytes;
    private final ObjectInputFilter classes;

    private JavaSerializer(Builder b) {
        this.allowlist = List.copyOf(b.allowlist);
        for (String pattern : this.allowlist) {
            checkPattern(pattern);
        }
        this.maxDepth = b.maxDepth;
        this.maxArrayLength = b.maxArrayLength;
        this.maxReferences = b.maxReferences;
        this.maxBytes = b.maxBytes;
        String patterns = JDK_VALUES + (this.allowlist.isEmpty() ? "" : ";" + String.join(";", this.allowlist)) + ";!*";
        this.classes = ObjectInputFilter.Config.createFilter(patterns);
    }

    private static void checkPattern(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isBlank() || pattern.contains(";") || pattern.startsWith("!") || pattern.contains("=")) {
            throw new IllegalArgumentException("java serializer allowlist pattern must be a class or package pattern "
                    + "such as com.example.** (no ';', '!' or limits): '" + pattern + "'");
        }
        String classPart = pattern.substring(pattern.indexOf('/') + 1);
        if (classPart.chars().allMatch(c -> c == '*' || c == '.')) {
            throw new IllegalArgumentException("java serializer allowlist pattern '" + pattern + "' allows every class"
                    + (pattern.contains("/") ? " of a module" : "") + ": reading native serialization of any class is a "
                    + "remote-code-execution hole (gadget chains); list the packages of your cached types instead, "
                    + "such as com.example.model.**");
        }
    }

    /**
     * A serializer that reads only the JDK value classes and the classes matching the patterns
     * ({@code com.example.Type}, {@code com.example.*} for a package, {@code com.example.**}
     * for a package and its sub-packages), with the default bounds.
     *
     * @throws IllegalArgumentException for a pattern that is not a class or package pattern, or
     *     that allows every class ({@code *}, {@code **})
     */
    public static JavaSerializer allowing(String... patterns) {
        return builder().allow(Objects.requireNonNull(patterns, "patterns")).build();
    }

    /** A builder: the allowlist and the bounds of every read. */
    public static Builder builder() {
        return new Builder();
    }

    /** The allowlist patterns given. */
    public List<String> allowlist() {
        return allowlist;
    }

    /** The bound on object nesting. */
    public int maxDepth() {
        return maxDepth;
    }

    /** The bound on the length of any array. */
    public int maxArrayLength() {
        return maxArrayLength;
    }

    /** The bound on objects and back references in one stream. */
    public long maxReferences() {
        return maxReferences;
    }

    /** The bound on a stream's length, in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public String name() {
        return "java";
    }

    /** 0: every value is decoded off the I/O threads, since its size does not bound its decoding time. */
    @Override
    public int inlineDecodeLimit() {
        return 0;
    }

    /**
     * The value's serialized form.
     *
     * @throws SerializationException for a value that is not serializable, or whose form is longer
     *     than {@link #maxBytes()} (it could not be read back)
     */
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
        if (bytes.size() > maxBytes) {
            throw new SerializationException("java serializer cannot encode a " + value.getClass().getName() + ": its "
                    + bytes.size() + " bytes are over maxBytes (" + maxBytes + "), so it could not be read back; "
                    + "raise it with JavaSerializer.builder().maxBytes(...)");
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(Object stored, Type type) {
        if (!(stored instanceof byte[] bytes)) {
            throw new SerializationException("java serializer expects byte[], got "
                    + (stored == null ? "null" : stored.getClass().getName()));
        }
        if (bytes.length > maxBytes) {
            throw new SerializationException("java serializer refused stored data of " + bytes.length
                    + " bytes: over maxBytes (" + maxBytes + ") (JavaSerializer.builder() sets the bounds)");
        }
        Limits limits = new Limits(bytes.length);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(limits);
            return in.readObject();
        } catch (InvalidClassException e) {
            throw new SerializationException("java serializer refused stored data of " + bytes.length + " bytes: "
                    + (limits.exceeded != null ? limits.exceeded + " (JavaSerializer.builder() sets the bounds)"
                            : e.getMessage() + " (not in the allowlist " + allowlist + ")"), e);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new SerializationException("java serializer cannot decode " + bytes.length + " bytes: " + e, e);
        }
    }

    /**
     * The filter of one read (whose length was checked before): the bounds, then the class
     * allowlist. Remembers the bound a stream went over, for the message.
     */
    private final class Limits implements ObjectInputFilter {

        private final long arrayBound;
        private String exceeded;

        Limits(int streamLength) {
            this.arrayBound = Math.min(maxArrayLength, Math.max(streamLength, SMALL_ARRAY));
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > maxDepth) {
                return reject("objects nested " + info.depth() + " deep, over maxDepth (" + maxDepth + ")");
            }
            if (info.references() > maxReferences) {
                return reject("over maxReferences (" + maxReferences + ") objects and references");
            }
            if (info.arrayLength() > arrayBound) {
                return reject("an array of " + info.arrayLength() + " elements, over " + (arrayBound == maxArrayLength
                        ? "maxArrayLength (" + maxArrayLength + ")" : "the stream's length"));
            }
            return info.serialClass() == null ? Status.UNDECIDED : classes.checkInput(info);
        }

        private Status reject(String reason) {
            exceeded = reason;
            return Status.REJECTED;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JavaSerializer other && allowlist.equals(other.allowlist) && maxDepth == other.maxDepth
                && maxArrayLength == other.maxArrayLength && maxReferences == other.maxReferences
                && maxBytes == other.maxBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(allowlist, maxDepth, maxArrayLength, maxReferences, maxBytes);
    }

    /** {@code java[com.example.**]}, followed by the bounds that differ from the defaults. */
    @Override
    public String toString() {
        List<String> bounds = new ArrayList<>();
        if (maxDepth != DEFAULT_MAX_DEPTH) {
            bounds.add("maxDepth=" + maxDepth);
        }
        if (maxArrayLength != DEFAULT_MAX_ARRAY_LENGTH) {
            bounds.add("maxArrayLength=" + maxArrayLength);
        }
        if (maxReferences != DEFAULT_MAX_REFERENCES) {
            bounds.add("maxReferences=" + maxReferences);
        }
        if (maxBytes != DEFAULT_MAX_BYTES) {
            bounds.add("maxBytes=" + maxBytes);
        }
        return "java" + allowlist + (bounds.isEmpty() ? "" : bounds.toString());
    }

    /** Builds a {@link JavaSerializer}; each setter checks its argument. */
    public static final class Builder {

        private final List<String> allowlist = new ArrayList<>();
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxArrayLength = DEFAULT_MAX_ARRAY_LENGTH;
        private long maxReferences = DEFAULT_MAX_REFERENCES;
        private long maxBytes = DEFAULT_MAX_BYTES;

        private Builder() {
        }

        /**
         * Adds allowlist patterns: {@code com.example.Type}, {@code com.example.*},
         * {@code com.example.**}.
         *
         * @throws IllegalArgumentException for a pattern that allows every class or is not a class
         *     or package pattern
         */
        public Builder allow(String... patterns) {
            for (String pattern : patterns) {
                checkPattern(pattern);
                allowlist.add(pattern);
            }
            return this;
        }

        /** Objects nested deeper than this are refused (default {@value #DEFAULT_MAX_DEPTH}). */
        public Builder maxDepth(int maxDepth) {
            this.maxDepth = (int) positive("maxDepth", maxDepth);
            return this;
        }

        /** Arrays longer than this are refused (default {@value #DEFAULT_MAX_ARRAY_LENGTH}). */
        public Builder maxArrayLength(int maxArrayLength) {
            this.maxArrayLength = (int) positive("maxArrayLength", maxArrayLength);
            return this;
        }

        /** Streams with more objects and back references are refused (default {@value #DEFAULT_MAX_REFERENCES}). */
        public Builder maxReferences(long maxReferences) {
            this.maxReferences = positive("maxReferences", maxReferences);
            return this;
        }

        /** Longer streams are refused, on write and on read (default {@value #DEFAULT_MAX_BYTES}, 16 MiB). */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = positive("maxBytes", maxBytes);
            return this;
        }

        private static long positive(String bound, long value) {
            if (value < 1) {
                throw new IllegalArgumentException("java serializer " + bound + " must be positive, got " + value);
            }
            return value;
        }

        /** The serializer. */
        public JavaSerializer build() {
            return new JavaSerializer(this);
        }
    }
}
