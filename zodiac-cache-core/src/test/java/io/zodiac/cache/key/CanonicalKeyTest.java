package io.zodiac.cache.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.key.KeyFixtures.Color;
import io.zodiac.cache.key.KeyFixtures.Point;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalKeyTest {

    interface Fixture {
        String one(Object value);

        String two(Object a, Object b);

        String typed(int value);

        String typed(long value);

        String none();
    }

    enum Other {
        RED
    }

    record Pair(Object left, Object right) {
    }

    record SamePair(Object left, Object right) {
    }

    private static Method method(String name, Class<?>... parameters) {
        try {
            return Fixture.class.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static final CanonicalKey ONE = CanonicalKey.forMethod(method("one", Object.class));
    private static final CanonicalKey TWO = CanonicalKey.forMethod(method("two", Object.class, Object.class));

    private static String one(Object value) {
        return ONE.build(value);
    }

    @Test
    void rememberedKeysAreTheKeysComputedAfresh() {
        CanonicalKey warm = CanonicalKey.forMethod(method("two", Object.class, Object.class));
        Object[][] calls = {{1, "a"}, {1L, "a"}, {1.0, "a"}, {'1', "a"}, {"1", "a"}, {true, null}, {-0.0, 0.0f},
            {Double.NaN, Thread.State.NEW}, {(short) 1, (byte) 1}};
        List<String> first = new ArrayList<>();
        for (Object[] call : calls) {
            first.add(warm.build(call));
        }
        for (int i = 0; i < calls.length; i++) {
            assertThat(warm.build(calls[i])).as("remembered").isEqualTo(first.get(i));
            CanonicalKey cold = CanonicalKey.forMethod(method("two", Object.class, Object.class));
            assertThat(cold.build(calls[i])).as("computed afresh").isEqualTo(first.get(i));
        }
        assertThat(first).doesNotHaveDuplicates();
    }

    @Test
    void aLoneRememberedArgumentKeepsItsTypeInTheKey() {
        CanonicalKey warm = CanonicalKey.forMethod(method("one", Object.class));
        Object[] values = {1, 1L, 1.0, 1.0f, '1', "1", true, (short) 1, (byte) 1, null, -0.0, 0.0, Double.NaN,
            Color.RED, Other.RED, 4242, "x".repeat(300)};
        List<String> first = new ArrayList<>();
        for (Object value : values) {
            first.add(warm.build(value));
        }
        for (int i = 0; i < values.length; i++) {
            assertThat(warm.build(values[i])).as("remembered %s", values[i]).isEqualTo(first.get(i));
            CanonicalKey cold = CanonicalKey.forMethod(method("one", Object.class));
            assertThat(cold.build(values[i])).as("computed afresh %s", values[i]).isEqualTo(first.get(i));
        }
        assertThat(first).doesNotHaveDuplicates();
    }

    @Test
    void theKeyIsTheClassSimpleNameMethodAnd128BitsOfHex() {
        assertThat(one("x")).matches("Fixture:one:[0-9a-f]{32}");
        assertThat(CanonicalKey.forMethod(method("none")).build()).matches("Fixture:none:[0-9a-f]{32}");
        assertThat(CanonicalKey.forName("users.byId").build(1)).matches("users\\.byId:[0-9a-f]{32}");
    }

    /** The readable part shows the simple name; the full name in the hash keeps namesakes apart. */
    @Test
    void classesOfOneSimpleNameInDifferentPlacesNeverShareKeys() throws NoSuchMethodException {
        CanonicalKey first = CanonicalKey.forMethod(First.Namesake.class, First.Namesake.class.getMethod("find", int.class));
        CanonicalKey second = CanonicalKey.forMethod(Second.Namesake.class, Second.Namesake.class.getMethod("find", int.class));
        assertThat(first.build(1)).startsWith("Namesake:find:");
        assertThat(second.build(1)).startsWith("Namesake:find:");
        assertThat(first.build(1)).isNotEqualTo(second.build(1));
    }

    /** Holds a class named like {@link Second.Namesake}. */
    static final class First {
        static final class Namesake {
            public int find(int id) {
                return id;
            }
        }
    }

    /** Holds a class named like {@link First.Namesake}. */
    static final class Second {
        static final class Namesake {
            public int find(int id) {
                return id;
            }
        }
    }

    /**
     * Pinned once. The hashes were computed independently of this code, by a short script that
     * encodes the arguments by the format documented on {@link ArgumentEncoder} and hashes them
     * with SHA-256 (of the arguments' encoding preceded by the first 16 bytes of the SHA-256 of
     * the method seed, format 2: the target class, the method name, the parameter types, the
     * scope): a change here changes every key in every deployed cache.
     */
    @Test
    void theGoldenKeysNeverChange() {
        CanonicalKey golden = CanonicalKey.forMethod(KeyFixtures.golden());
        assertThat(golden.build(KeyFixtures.goldenArguments().get(1)))
                .isEqualTo("Golden:find:e30ad63cf9136f18651181e6dddbf298");
        assertThat(golden.build(KeyFixtures.goldenArguments().get(2)))
                .isEqualTo("Golden:find:3b6e9d54dc25ef78e86da8ba8b314014");
    }

    /** Another JVM, with the memo at its default size and turned off, builds the same keys. */
    @ParameterizedTest
    @ValueSource(strings = {"", "0"})
    void aSecondJvmBuildsTheSameKeys(String memoSize) throws IOException, InterruptedException {
        KeyPrinterRun run = runKeyPrinter(memoSize);
        assertThat(run.exitValue()).as(run.output()).isZero();
        assertThat(run.output().lines().toList()).isEqualTo(KeyFixtures.goldenKeys()).hasSize(9);
    }

    @Test
    void aBadMemoSizeFailsNamingTheProperty() throws IOException, InterruptedException {
        KeyPrinterRun run = runKeyPrinter("-1");
        assertThat(run.exitValue()).isNotZero();
        assertThat(run.output()).contains("system property zodiac.cache.keyMemoSize must be a whole number >= 0, got '-1'");
    }

    private record KeyPrinterRun(int exitValue, String output) {
    }

    private static KeyPrinterRun runKeyPrinter(String memoSize) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-D" + CanonicalKey.MEMO_SIZE_PROPERTY + "=" + memoSize,
                "-cp", System.getProperty("java.class.path"), KeyPrinter.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new KeyPrinterRun(process.exitValue(), output);
    }

    @Test
    void valuesThatPrintAlikeButDifferInTypeGiveDifferentKeys() {
        List<Object> lookalikes = Arrays.asList(1, 1L, 1.0, 1.0f, true, "1", '1', (byte) 1, (short) 1, null, "null",
                List.of(1), new Object[] {1}, new int[] {1}, new long[] {1}, new byte[] {1}, new char[] {'1'},
                new short[] {1}, new float[] {1}, new double[] {1}, new boolean[] {true}, Color.RED, Other.RED,
                new Pair(1, null), new SamePair(1, null), List.of(), "", new Object[0], new byte[0]);
        Set<String> keys = new HashSet<>();
        for (Object value : lookalikes) {
            keys.add(one(value));
        }
        assertThat(keys).hasSameSizeAs(lookalikes);
    }

    @Test
    void lengthsArePrefixedSoSeparatorsCannotForgeACollision() {
        assertThat(one(List.of("a,b"))).isNotEqualTo(one(List.of("a", "b")));
        assertThat(one(List.of(List.of("a"), "b"))).isNotEqualTo(one(List.of(List.of("a", "b"))));
        assertThat(TWO.build("ab", "c")).isNotEqualTo(TWO.build("a", "bc"));
        assertThat(TWO.build(List.of(), List.of("x"))).isNotEqualTo(TWO.build(List.of("x"), List.of()));
        assertThat(one(new byte[] {1, 2})).isNotEqualTo(one(List.of(new byte[] {1}, new byte[] {2})));
    }

    @Test
    void equalValuesGiveEqualKeysWhateverTheirContainerClass() {
        assertThat(one(List.of("a", List.of(1)))).isEqualTo(one(new LinkedList<>(List.of("a", new ArrayList<>(List.of(1))))));
        assertThat(one(new String[] {"a"})).isEqualTo(one(new Object[] {"a"}));
        assertThat(one(new byte[] {1, 2})).isEqualTo(one(new byte[] {1, 2}));
        assertThat(one(new Pair("a", new int[] {1}))).isEqualTo(one(new Pair("a", new int[] {1})));
        assertThat(one(new String("x".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))).isEqualTo(one("x"));
    }

    @Test
    void floatingPointValuesAreKeyedByTheirBits() {
        assertThat(one(0.0)).isNotEqualTo(one(-0.0));
        assertThat(one(0.0f)).isNotEqualTo(one(-0.0f));
        assertThat(one(Double.NaN)).isEqualTo(one(Double.longBitsToDouble(0x7ff8000000000001L)));
        assertThat(one(0.1 + 0.2)).isNotEqualTo(one(0.3));
    }

    @Test
    void enumsAreKeyedByDeclaringClassAndName() {
        assertThat(one(Color.GREEN)).isEqualTo(one(Color.valueOf("GREEN")));
        assertThat(one(Color.RED)).isNotEqualTo(one(Other.RED));
    }

    @Test
    void stringsKeepUnpairedSurrogatesDistinct() {
        assertThat(one("\uD800")).isNotEqualTo(one("?")).isNotEqualTo(one("\uDC00"));
        assertThat(one("\u0000")).isNotEqualTo(one("")).isNotEqualTo(one("\u0080"));
        assertThat(one("\uD83D\uDE00")).isNotEqualTo(one("\uDE00\uD83D"));
    }

    @Test
    void theScopeAndTheParameterTypesAreInTheKey() {
        Method typedInt = method("typed", int.class);
        assertThat(CanonicalKey.forMethod(typedInt).build(1))
                .isNotEqualTo(CanonicalKey.forMethod(method("typed", long.class)).build(1))
                .isNotEqualTo(CanonicalKey.forMethod(typedInt, String.class).build(1));
        assertThat(CanonicalKey.forMethod(typedInt, String.class).build(1))
                .isEqualTo(CanonicalKey.forMethod(typedInt, String.class).build(1))
                .isNotEqualTo(CanonicalKey.forMethod(typedInt, Integer.class).build(1));
        assertThat(CanonicalKey.forName("a").build(1)).isNotEqualTo(CanonicalKey.forName("b").build(1));
    }

    @Test
    void anUnsupportedTypeIsRefusedNamingMethodParameterTypeAndPath() {
        assertThatThrownBy(() -> TWO.build("ok", new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CanonicalKeyTest$Fixture.two(java.lang.Object, java.lang.Object)")
                .hasMessageContaining("parameter #2 'b' of type java.lang.Object holds an unsupported java.lang.Object")
                .hasMessageContaining("provide a keyBuilder");
        assertThatThrownBy(() -> one(List.of(1, new Pair("x", new HashMap<>()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds an unsupported java.util.HashMap at [1].right");
        assertThatThrownBy(() -> one(new HashSet<>(List.of(1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds an unsupported java.util.HashSet");
        assertThatThrownBy(() -> CanonicalKey.forName("fn").build(new StringBuilder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fn'")
                .hasMessageContaining("argument #1 of type java.lang.StringBuilder");
    }

    @Test
    void aCycleIsRefusedInsteadOfOverflowingTheStack() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> one(cycle))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than " + ArgumentEncoder.MAX_DEPTH);
        Object[] array = new Object[1];
        array[0] = array;
        assertThatThrownBy(() -> one(array)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theArgumentCountMustMatchTheMethod() {
        assertThatThrownBy(() -> TWO.build("only one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("takes 2 argument(s), got 1");
    }

    @Test
    void privateRecordsAreReadThroughTheirAccessors() {
        record Local(String name, Point at) {
        }
        assertThat(one(new Local("a", new Point(1, 2)))).isEqualTo(one(new Local("a", new Point(1, 2))))
                .isNotEqualTo(one(new Local("a", new Point(2, 1))));
    }

    @Test
    void theDefaultKeyBuilderGivesTheUnscopedMethodKey() throws Exception {
        Method method = method("one", Object.class);
        assertThat(new DefaultKeyBuilder().build(null, method, "x")).isEqualTo(one("x"));
    }
}
