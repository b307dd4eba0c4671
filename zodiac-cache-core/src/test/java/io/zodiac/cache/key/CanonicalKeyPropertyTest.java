package io.zodiac.cache.key;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.key.KeyFixtures.Color;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Distinct argument lists never share a key; equal ones always do. "Equal" is the documented
 * notion: lists by content whatever their class, arrays by content (Object arrays of any
 * component type alike, each primitive array type its own kind), records by class and
 * components, boxed values by {@code equals} (so by type, and floating point by bits).
 */
class CanonicalKeyPropertyTest {

    private static final CanonicalKey KEY = CanonicalKey.forName("property");

    record Pair(Object left, Object right) {
    }

    record Box(Object value) {
    }

    enum Shade {
        RED, GREEN
    }

    @Property(tries = 1000)
    void keysAreEqualExactlyWhenTheArgumentsAre(@ForAll("arguments") List<Object> a, @ForAll("arguments") List<Object> b) {
        assertThat(key(a).equals(key(b))).as("%s vs %s", show(a), show(b)).isEqualTo(same(a, b));
    }

    @Property(tries = 500)
    void aCopyInOtherContainersHasTheSameKey(@ForAll("arguments") List<Object> a) {
        assertThat(key(copy(a))).isEqualTo(key(a));
    }

    private static String key(List<Object> arguments) {
        return KEY.build(arguments.toArray());
    }

    @Provide
    Arbitrary<List<Object>> arguments() {
        return value().list().ofMaxSize(3);
    }

    private Arbitrary<Object> value() {
        return Arbitraries.lazyOf(this::leaf, this::leaf, this::leaf, this::leaf,
                () -> value().list().ofMaxSize(3).map(list -> (Object) list),
                () -> value().array(Object[].class).ofMaxSize(3).map(array -> (Object) array),
                () -> Combinators.combine(value(), value()).as(Pair::new),
                () -> value().map(Box::new));
    }

    /** Leaves drawn from small pools, so that look-alikes (1, 1L, "1", '1', ...) meet often. */
    private Arbitrary<Object> leaf() {
        return Arbitraries.<Object>oneOf(
                Arbitraries.<Object>of(1, 1L, 1.0, 1.0f, true, "1", '1', (byte) 1, (short) 1, "", "a,b", "null", 0.0, -0.0,
                        0.0f, -0.0f, Double.NaN, Float.NaN, Color.RED, Shade.RED, Color.GREEN, Shade.GREEN, false, 0, 0L),
                Arbitraries.integers().between(-2, 2).map(i -> (Object) i),
                Arbitraries.longs().between(-2, 2).map(l -> (Object) l),
                Arbitraries.strings().withChars("ab,1\uD800?").ofMaxLength(3).map(s -> (Object) s),
                Arbitraries.bytes().between((byte) -1, (byte) 1).array(byte[].class).ofMaxSize(2).map(a -> (Object) a),
                Arbitraries.integers().between(0, 1).array(int[].class).ofMaxSize(2).map(a -> (Object) a),
                Arbitraries.chars().with('1', 'a').array(char[].class).ofMaxSize(2).map(a -> (Object) a),
                Arbitraries.doubles().between(-1, 1).ofScale(1).array(double[].class).ofMaxSize(2).map(a -> (Object) a))
                .injectNull(0.05);
    }

    /** The documented equality of key arguments. */
    private static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            return sameElements(x.toArray(), y.toArray());
        }
        if (a instanceof Object[] x && b instanceof Object[] y) {
            return sameElements(x, y);
        }
        if (a instanceof Pair x && b instanceof Pair y) {
            return same(x.left(), y.left()) && same(x.right(), y.right());
        }
        if (a instanceof Box x && b instanceof Box y) {
            return same(x.value(), y.value());
        }
        if (a.getClass().isArray() && a.getClass() == b.getClass()) {
            return Objects.deepEquals(a, b);
        }
        return !(a instanceof List || a instanceof Object[] || a instanceof Record) && a.equals(b);
    }

    private static boolean sameElements(Object[] x, Object[] y) {
        if (x.length != y.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (!same(x[i], y[i])) {
                return false;
            }
        }
        return true;
    }

    /** An equal value in other containers: linked lists, fresh arrays, new records. */
    private static Object copy(Object value) {
        if (value instanceof List<?> list) {
            List<Object> copy = new LinkedList<>();
            for (Object element : list) {
                copy.add(copy(element));
            }
            return copy;
        }
        if (value instanceof Object[] array) {
            return Arrays.stream(array).map(CanonicalKeyPropertyTest::copy).toArray(Object[]::new);
        }
        if (value instanceof Pair pair) {
            return new Pair(copy(pair.left()), copy(pair.right()));
        }
        if (value instanceof Box box) {
            return new Box(copy(box.value()));
        }
        if (value instanceof String s) {
            return new String(s.toCharArray());
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (value instanceof int[] ints) {
            return ints.clone();
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> copy(List<Object> arguments) {
        return (List<Object>) copy((Object) arguments);
    }

    private static String show(Object value) {
        return value instanceof List<?> list ? Arrays.deepToString(list.stream().map(CanonicalKeyPropertyTest::show).toArray())
                : value instanceof Object[] array ? "Object" + Arrays.deepToString(Arrays.stream(array).map(CanonicalKeyPropertyTest::show).toArray())
                : value == null ? "null"
                : value.getClass().isArray() ? value.getClass().getSimpleName() + Arrays.deepToString(new Object[] {value})
                : value.getClass().getSimpleName() + ":" + value;
    }
}
