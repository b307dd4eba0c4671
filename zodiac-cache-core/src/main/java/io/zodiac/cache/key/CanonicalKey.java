package io.zodiac.cache.key;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A compiled key template: {@code {prefix}:{hash}}, where the hash is the first 128 bits, as 32
 * lowercase hex digits, of the SHA-256 of the first 128 bits of the seed's own SHA-256 (computed
 * once) followed by the canonical, type-tagged encoding of the call's arguments. The same arguments give the same key in every JVM and every
 * run; arguments that differ in value or type give different keys.
 *
 * <ul>
 *   <li>{@link #forMethod(Class, Method, Class...)}: the key of a method as it runs on a class,
 *       {@code {target class}:{method}:{hash}} with the class's simple name; the seed covers the
 *       target class's full name, the method name, the parameter types (overloads never collide)
 *       and the scope classes.
 *   <li>{@link #forName(String)}: the key of a named function, {@code {name}:{hash}}.
 * </ul>
 *
 * <p>Accepted argument types: {@code null}, {@code Boolean}, {@code Byte}, {@code Short},
 * {@code Integer}, {@code Long}, {@code Float} and {@code Double} (by their bits), {@code Character},
 * {@code String}, {@code byte[]} (and the other primitive arrays), enum constants (declaring class
 * and name), and {@code List}s, arrays and records of those, nested. Lists are compared by
 * content whatever their class; records by class name and components.
 *
 * <p>All reflective work and the seed's digest happen once, in the factory; {@link #build} encodes
 * only the arguments, into a digest and buffers that each thread reuses (no copy of a digest, no
 * intermediate arrays: the key string is what a computed key allocates). Each instance also remembers the keys of up to
 * {@value #DEFAULT_MEMO_SIZE} frequent argument lists made of scalars (null, strings, boxed
 * primitives, enums), so that repeated calls skip SHA-256: about 100-200 bytes an argument list
 * (the key string is shared with the in-memory cache's entry), a few megabytes at most per method.
 * The system property {@value #MEMO_SIZE_PROPERTY}, read once, sets the size; {@code 0} turns the
 * memo off. Instances are thread-safe; the keys they build depend on the arguments alone.
 */
public final class CanonicalKey {

    private static final int HASH_BYTES = 16;
    private static final int SEED_BYTES = 16;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** The two hex digits of each byte value, as one big-endian {@code short} of two ASCII bytes. */
    private static final short[] HEX_PAIRS = new short[256];
    private static final VarHandle HEX_PAIR = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    static {
        for (int b = 0; b < 256; b++) {
            HEX_PAIRS[b] = (short) (HEX[b >>> 4] << 8 | HEX[b & 0xf]);
        }
    }
    private static final Object[] NO_ARGS = {};
    private static final String ACCEPTED = "null, Boolean, Byte, Short, Integer, Long, Float, Double, Character, "
            + "String, byte[] (and other primitive arrays), enums, and Lists, arrays and records of those";

    /**
     * The system property that sets how many argument lists each compiled key remembers the key of
     * ({@value #DEFAULT_MEMO_SIZE} by default; {@code 0} turns the memo off).
     */
    public static final String MEMO_SIZE_PROPERTY = "zodiac.cache.keyMemoSize";

    /** How many argument lists of scalars each compiled key remembers by default. */
    public static final int DEFAULT_MEMO_SIZE = 8192;

    private static final int MEMO_SIZE = memoSize();

    /** Each thread's digest and buffers; a key built while another is being built (a record accessor that builds one) gets fresh ones. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final char[] prefix;
    /** The prefix as ISO-8859-1 bytes, or {@code null} when it has a char above U+00FF. */
    private final byte[] latin1Prefix;
    /**
     * The first 128 bits of the seed's SHA-256: the first bytes hashed for every call. Half the
     * hash keeps a short argument list within one 64-byte SHA-256 block.
     */
    private final byte[] seed;
    /** The method whose arguments are encoded, or {@code null} for a named key. */
    private final Method method;
    private final String description;
    /**
     * Keys of frequent argument lists made only of immutable scalars, whose {@code equals} agrees
     * with their encoding (an {@code Integer} never equals a {@code Long}, doubles compare by
     * bits): a repeated call skips SHA-256. The keys are the same as without it. A lone non-null
     * argument is its own memo key; longer lists are copied into an {@link Arguments}.
     * {@code null} when the memo is off.
     */
    private final Cache<Object, String> memo = MEMO_SIZE == 0 ? null : Caffeine.newBuilder().maximumSize(MEMO_SIZE).build();

    private CanonicalKey(String prefix, MessageDigest seeded, Method method, String description) {
        this.prefix = prefix.toCharArray();
        this.latin1Prefix = latin1(prefix);
        this.seed = Arrays.copyOf(seeded.digest(), SEED_BYTES);
        this.method = method;
        this.description = description;
    }

    /** A copied argument list, compared element by element with {@code equals}. */
    private record Arguments(Object[] values) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Arguments other && Arrays.equals(values, other.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    /** {@code true} for an immutable scalar whose equals matches its encoding. */
    private static boolean scalar(Object value) {
        return value instanceof String || value instanceof Integer || value instanceof Long || value instanceof Boolean
                || value instanceof Character || value instanceof Double || value instanceof Float || value instanceof Short
                || value instanceof Byte || value instanceof Enum<?>;
    }

    /**
     * What the memo knows the call by: a lone scalar itself (no copy: it is immutable), a copy of a
     * list of nulls and scalars, or {@code null} when the arguments hold anything else.
     */
    private static Object memoKey(Object[] values) {
        if (values.length == 1 && scalar(values[0])) {
            return values[0];
        }
        for (Object value : values) {
            if (value != null && !scalar(value)) {
                return null;
            }
        }
        return new Arguments(values.clone());
    }

    private static int memoSize() {
        String configured = System.getProperty(MEMO_SIZE_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return DEFAULT_MEMO_SIZE;
        }
        try {
            int size = Integer.parseInt(configured.trim());
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + MEMO_SIZE_PROPERTY + " must be a whole number >= 0, got '"
                + configured + "'");
    }

    /**
     * The key of a method's calls as declared, {@code {declaring class}:{method}:{hash}}: the same
     * as {@code forMethod(method.getDeclaringClass(), method, scope)}.
     *
     * @param method the method; its arguments are what {@link #build} takes
     * @param scope classes the key is scoped to, in order
     */
    public static CanonicalKey forMethod(Method method, Class<?>... scope) {
        Objects.requireNonNull(method, "method");
        return forMethod(method.getDeclaringClass(), method, scope);
    }

    /**
     * The key of a method's calls on objects of {@code targetClass},
     * {@code {target class}:{method}:{hash}} with the class's simple name (its full name is in the
     * hash): what {@code @Cached} uses, with the implementation
     * that runs as the target class, so two implementations of one interface method never share
     * keys, and one implementation has the same keys in every JVM.
     *
     * @param targetClass the class the method runs on; its simple name is part of the key, its full
     *     name part of the seed
     * @param method the method; its arguments are what {@link #build} takes
     * @param scope classes the key is scoped to, in order (the proxies pass the proxied type for
     *     {@code includeCls}); the same arguments under another scope give another key
     */
    public static CanonicalKey forMethod(Class<?> targetClass, Method method, Class<?>... scope) {
        Objects.requireNonNull(targetClass, "targetClass");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(scope, "scope");
        MessageDigest digest = sha256();
        ArgumentEncoder seed = new ArgumentEncoder(digest);
        seed.string("zodiac-cache/method/2");
        seed.string(targetClass.getName());
        seed.string(method.getName());
        Class<?>[] parameters = method.getParameterTypes();
        seed.int32(parameters.length);
        for (Class<?> parameter : parameters) {
            seed.string(parameter.getName());
        }
        seed.int32(scope.length);
        for (Class<?> type : scope) {
            seed.string(Objects.requireNonNull(type, "scope class").getName());
        }
        seed.flush();
        String prefix = readableName(targetClass) + ":" + method.getName() + ":";
        return new CanonicalKey(prefix, digest, method, describe(method));
    }

    /**
     * The class as the key shows it: its simple name ({@code UserService}), or, for an anonymous
     * class, its binary name without the package. The full name is in the hash's seed, so two
     * classes of one simple name in different packages still never share keys; the readable part
     * stays short, which every stored key pays for in the backend's memory.
     */
    private static String readableName(Class<?> type) {
        String simple = type.getSimpleName();
        if (!simple.isEmpty()) {
            return simple;
        }
        String name = type.getName();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /**
     * The key of a named function's calls, {@code {name}:{hash}}. The name is the stable identity
     * of the function: two functions with one name share their entries.
     *
     * @throws IllegalArgumentException when the name is blank
     */
    public static CanonicalKey forName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("the name of a cached function must not be blank");
        }
        MessageDigest digest = sha256();
        ArgumentEncoder seed = new ArgumentEncoder(digest);
        seed.string("zodiac-cache/name/1");
        seed.string(name);
        seed.flush();
        return new CanonicalKey(name + ":", digest, null, "'" + name + "'");
    }

    /**
     * The key of one call.
     *
     * @param args the call's arguments ({@code null} means none); a method key needs exactly
     *     one per parameter
     * @throws IllegalArgumentException when an argument, or a value nested in one, has a type
     *     that cannot be encoded (the message names the method, the parameter and the type), or
     *     when a method key gets the wrong number of arguments
     */
    public String build(Object... args) {
        Object[] values = args == null ? NO_ARGS : args;
        if (method != null && values.length != method.getParameterCount()) {
            throw new IllegalArgumentException("Cannot build the cache key of " + description + ": it takes "
                    + method.getParameterCount() + " argument(s), got " + values.length);
        }
        Object memoKey = memo == null ? null : memoKey(values);
        if (memoKey == null) {
            return compute(values);
        }
        String key = memo.getIfPresent(memoKey);
        if (key == null) {
            key = compute(values);
            memo.put(memoKey, key);
        }
        return key;
    }

    private String compute(Object[] values) {
        Scratch scratch = SCRATCH.get();
        if (scratch.busy) {
            scratch = new Scratch(); // a key built while this thread builds another
        }
        scratch.busy = true;
        boolean done = false;
        try {
            ArgumentEncoder encoder = scratch.encoder;
            encoder.begin(seed);
            encoder.int32(values.length);
            for (int i = 0; i < values.length; i++) {
                try {
                    encoder.value(values[i]);
                } catch (ArgumentEncoder.Unsupported e) {
                    throw unsupported(i, values[i], e);
                }
            }
            encoder.flush();
            String key = key(scratch); // reading the digest resets it for the next key
            done = true;
            return key;
        } finally {
            if (!done) {
                scratch.encoder.reset();
            }
            scratch.busy = false;
        }
    }

    /** The prefix and the hash's first {@value #HASH_BYTES} bytes in hex, built in the thread's buffer: one copy, into the String. */
    @SuppressWarnings("deprecation") // String(byte[], int, int, int): the ISO-8859-1 text copied as it is, no decoder
    private String key(Scratch scratch) {
        byte[] hash = scratch.hash;
        try {
            scratch.digest.digest(hash, 0, hash.length);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 digest failed", e);
        }
        if (latin1Prefix == null) {
            char[] key = new char[prefix.length + HASH_BYTES * 2];
            System.arraycopy(prefix, 0, key, 0, prefix.length);
            int at = prefix.length;
            for (int i = 0; i < HASH_BYTES; i++) {
                key[at++] = HEX[(hash[i] >>> 4) & 0xf];
                key[at++] = HEX[hash[i] & 0xf];
            }
            return new String(key);
        }
        int length = latin1Prefix.length + HASH_BYTES * 2;
        byte[] text = scratch.text(length);
        System.arraycopy(latin1Prefix, 0, text, 0, latin1Prefix.length);
        for (int i = 0, at = latin1Prefix.length; i < HASH_BYTES; i++, at += 2) {
            HEX_PAIR.set(text, at, HEX_PAIRS[hash[i] & 0xff]);
        }
        return new String(text, 0, 0, length);
    }

    private static byte[] latin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xff) {
                return null;
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One thread's SHA-256, encoder and buffers, reused by every key the thread computes. */
    private static final class Scratch {
        final MessageDigest digest = sha256();
        final ArgumentEncoder encoder = new ArgumentEncoder(digest);
        final byte[] hash = new byte[32];
        private byte[] text = new byte[128];
        boolean busy;

        byte[] text(int length) {
            if (text.length < length) {
                text = new byte[Math.max(length, text.length * 2)];
            }
            return text;
        }
    }

    private IllegalArgumentException unsupported(int index, Object argument, ArgumentEncoder.Unsupported e) {
        String parameter;
        if (method != null) {
            Parameter declared = method.getParameters()[index];
            parameter = "parameter #" + (index + 1) + " '" + declared.getName() + "' of type " + declared.getType().getName();
        } else {
            parameter = "argument #" + (index + 1) + " of type " + argument.getClass().getName();
        }
        String where = e.path().isEmpty() ? "" : " at " + e.path();
        String problem = e.type() == null ? e.reason() + where
                : (e.reason() != null ? e.reason() : "an unsupported " + e.type().getName()) + where;
        String remedy = method != null
                ? "; provide a keyBuilder (@Cached(keyBuilder = ...)) or pass arguments of these types"
                : "; pass an argument of these types (a record of them, for instance)";
        return new IllegalArgumentException("Cannot build the cache key of " + description + ": " + parameter
                + " holds " + problem + ". The default key accepts " + ACCEPTED + remedy);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static String describe(Method method) {
        StringBuilder text = new StringBuilder(method.getDeclaringClass().getName()).append('.').append(method.getName()).append('(');
        Class<?>[] parameters = method.getParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            text.append(i == 0 ? "" : ", ").append(parameters[i].getTypeName());
        }
        return text.append(')').toString();
    }

    /** The method or name the key belongs to. */
    @Override
    public String toString() {
        return "CanonicalKey[" + description + "]";
    }
}
