package io.zodiac.cache.bench;

import com.alicp.jetcache.anno.method.ClassUtil;
import com.alicp.jetcache.external.ExternalKeyUtil;
import com.alicp.jetcache.support.Fastjson2KeyConvertor;
import io.zodiac.cache.key.CanonicalKey;
import io.zodiac.cache.key.DefaultKeyBuilder;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.cache.interceptor.SimpleKeyGenerator;

/**
 * Building the cache key of one call, for {@code find(int, String, long)} and for
 * {@code find(List)} with a 5-element list ({@code Integer, String, Long, Double, Boolean}).
 * {@value #ARG_SETS} argument arrays with distinct values are built up front and read through a
 * masked per-thread index, so neither the arguments nor the key can be constant-folded. Each
 * benchmark also takes the key's {@code hashCode()}, which a lookup needs.
 *
 * <ul>
 *   <li>{@code zodiac_defaultKeyBuilder}: {@code new DefaultKeyBuilder().build(target, method, args)},
 *       the public {@code KeyBuilder}, which compiles the method's key on every call;</li>
 *   <li>{@code zodiac_compiledKey}: {@code CanonicalKey.forMethod(Target.class, method)} compiled once, then
 *       {@code build(args)}: what {@code CachedProxy} does on every {@code @Cached} call. The
 *       {@code (int, String, long)} arrays are scalars, which the key's memo remembers (all 1,024
 *       fit), so this measures a memo lookup; a list is never remembered;</li>
 *   <li>{@code zodiac_compiledKey_computed}: the same with the memo off, so every call encodes
 *       and hashes (in the thread's reusable digest and buffers: the key string is what it
 *       allocates);</li>
 *   <li>{@code spring_simpleKeyGenerator} (the peer): Spring's default key,
 *       {@code SimpleKeyGenerator.generate(target, method, args)};</li>
 *   <li>{@code jetcache_fastjson2Key}: JetCache's default key convertor on the argument array;</li>
 *   <li>{@code jetcache_remoteKey}: the key JetCache's remote cache sends for a {@code @Cached}
 *       call: its cache name ({@code c.b.KeyBenchmark$Target.find(ILjava/lang/String;J)}, the
 *       name JetCache gives an unnamed {@code @Cached} method) followed by the fastjson2 key, as
 *       bytes ({@code ExternalKeyUtil.buildKeyAfterConvert});</li>
 *   <li>{@code jdk_sha256}: the floor under zodiac's computed key: SHA-256 of a
 *       {@value #SHA256_INPUT_BYTES}-byte input (the seed and the encoding of an
 *       {@code (int, String, long)} call) into a reused digest and buffer, nothing else;</li>
 *   <li>{@code jdk_sha256_keyHash}: that, plus the hash code of the 44 characters such a key has
 *       ({@code Target:find:} and the 32 hex digits the key format requires): what the format
 *       costs before any encoding, hex or allocation;</li>
 *   <li>{@code jdk_sha256_keyString}: that, with the 32 hex digits written and the String made:
 *       the floor of any computed key in the format, whatever encodes the arguments.</li>
 * </ul>
 *
 * <p>The keys differ in kind: zodiac's is a String holding 128 bits of SHA-256 over a type-tagged
 * encoding, the same in every JVM (it names a Redis key); Spring's is an in-heap {@code SimpleKey}
 * whose equality is {@code Arrays.deepEquals} and which a remote cache must still serialize;
 * JetCache's is JSON text.
 */
@State(Scope.Benchmark)
public class KeyBenchmark {

    static final int ARG_SETS = 1 << 10;
    /** The bytes a computed {@code (int, String, long)} key hashes: 16 of seed, 4 of count, 5 + 11 + 9 of arguments. */
    static final int SHA256_INPUT_BYTES = 45;

    @Param({"intStringLong", "list5"})
    String shape;

    Method method;
    Object[][] args;
    final DefaultKeyBuilder defaultKeyBuilder = new DefaultKeyBuilder();
    CanonicalKey compiled;
    String jetcachePrefix;
    final SimpleKeyGenerator simpleKeyGenerator = new SimpleKeyGenerator();
    final Object target = new Target();

    /** The methods whose keys are built; never called. */
    public static final class Target {
        public String find(int id, String name, long version) {
            return name + id + version;
        }

        public String find(List<Object> values) {
            return values.toString();
        }
    }

    @State(Scope.Thread)
    public static class ThreadState {
        int index = ThreadLocalRandom.current().nextInt();

        Object[] next(Object[][] args) {
            return args[index++ & (ARG_SETS - 1)];
        }
    }

    @Setup(Level.Trial)
    public void setup() throws NoSuchMethodException {
        args = new Object[ARG_SETS][];
        switch (shape) {
            case "intStringLong" -> {
                method = Target.class.getMethod("find", int.class, String.class, long.class);
                for (int i = 0; i < ARG_SETS; i++) {
                    args[i] = new Object[] {i, "user-" + i, 1_000_000_000L + i};
                }
            }
            case "list5" -> {
                method = Target.class.getMethod("find", List.class);
                for (int i = 0; i < ARG_SETS; i++) {
                    args[i] = new Object[] {List.of(i, "item-" + i, (long) i << 20, i / 7.0, (i & 1) == 0)};
                }
            }
            default -> throw new IllegalArgumentException(shape);
        }
        compiled = CanonicalKey.forMethod(Target.class, method);
        jetcachePrefix = ClassUtil.getShortClassName(Target.class.getName()) + "." + method.getName()
                + ClassUtil.getMethodSig(method);
    }

    /** One thread's SHA-256 and buffers, for the floor. */
    @State(Scope.Thread)
    public static class DigestState {
        final MessageDigest digest;
        final byte[] input = new byte[SHA256_INPUT_BYTES];
        final byte[] hash = new byte[32];
        /** A computed key's text ({@code Target:find:} and 32 hex digits), as the String holds it. */
        final byte[] keyText = "Target:find:0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
        int index;

        public DigestState() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Benchmark
    public int zodiac_defaultKeyBuilder(ThreadState state, Blackhole bh) {
        return lookupReady(defaultKeyBuilder.build(target, method, state.next(args)), bh);
    }

    @Benchmark
    public int zodiac_compiledKey(ThreadState state, Blackhole bh) {
        return lookupReady(compiled.build(state.next(args)), bh);
    }

    /** The compiled key in a JVM whose key memo is off: SHA-256 on every call. */
    @Benchmark
    @Fork(jvmArgsAppend = "-D" + CanonicalKey.MEMO_SIZE_PROPERTY + "=0")
    public int zodiac_compiledKey_computed(ThreadState state, Blackhole bh) {
        return lookupReady(compiled.build(state.next(args)), bh);
    }

    @Benchmark
    public int spring_simpleKeyGenerator(ThreadState state, Blackhole bh) {
        return lookupReady(simpleKeyGenerator.generate(target, method, state.next(args)), bh);
    }

    @Benchmark
    public int jetcache_fastjson2Key(ThreadState state, Blackhole bh) {
        return lookupReady(Fastjson2KeyConvertor.INSTANCE.apply(state.next(args)), bh);
    }

    @Benchmark
    public byte[] jetcache_remoteKey(ThreadState state) throws IOException {
        return ExternalKeyUtil.buildKeyAfterConvert(Fastjson2KeyConvertor.INSTANCE.apply(state.next(args)), jetcachePrefix);
    }

    /** SHA-256 of one short input, digest and buffers reused: what the computed key cannot go below. */
    @Benchmark
    public byte jdk_sha256(DigestState state) throws DigestException {
        state.input[0] = (byte) state.index++;
        state.digest.update(state.input, 0, SHA256_INPUT_BYTES);
        state.digest.digest(state.hash, 0, state.hash.length);
        return state.hash[0];
    }

    /**
     * The floor of a computed key that the format fixes: SHA-256 of the input, and the hash code of
     * a {@code (int, String, long)} key's 44 characters ({@code String.hashCode}'s {@code 31 * h + c}
     * over the same bytes); no encoding, no hex, no String.
     */
    @Benchmark
    public int jdk_sha256_keyHash(DigestState state) throws DigestException {
        state.input[0] = (byte) state.index++;
        state.digest.update(state.input, 0, SHA256_INPUT_BYTES);
        state.digest.digest(state.hash, 0, state.hash.length);
        byte[] text = state.keyText;
        text[text.length - 1] = state.hash[0];
        int h = 0;
        for (byte b : text) {
            h = 31 * h + (b & 0xff);
        }
        return h;
    }

    /**
     * The floor of any computed key in the format, the arguments' encoding aside: SHA-256 of the
     * input, its first 16 bytes as 32 hex digits after {@code Target:find:}, the String, and its
     * hash code.
     */
    @Benchmark
    @SuppressWarnings("deprecation") // String(byte[], int, int, int): the cheapest copy of ISO-8859-1 bytes into a String
    public int jdk_sha256_keyString(DigestState state, Blackhole bh) throws DigestException {
        state.input[0] = (byte) state.index++;
        state.digest.update(state.input, 0, SHA256_INPUT_BYTES);
        byte[] hash = state.hash;
        state.digest.digest(hash, 0, hash.length);
        byte[] text = state.keyText;
        for (int i = 0, at = text.length - 32; i < 16; i++, at += 2) {
            text[at] = HEX[(hash[i] >>> 4) & 0xf];
            text[at + 1] = HEX[hash[i] & 0xf];
        }
        return lookupReady(new String(text, 0, 0, text.length), bh);
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * A key is built to be looked up: its hash code is part of the cost (Spring's single-argument
     * key is the argument itself, whose hash is computed at lookup; zodiac's String hashes once).
     */
    private static int lookupReady(Object key, Blackhole bh) {
        bh.consume(key);
        return key.hashCode();
    }
}
