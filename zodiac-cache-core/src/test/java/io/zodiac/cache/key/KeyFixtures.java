package io.zodiac.cache.key;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Methods and arguments whose keys must never change: pinned in tests and compared across JVMs. */
final class KeyFixtures {

    private KeyFixtures() {
    }

    enum Color {
        RED,
        GREEN {
            @Override
            public String toString() {
                return "green, with a body";
            }
        }
    }

    record Point(int x, int y) {
    }

    record Route(String name, List<Point> stops, Color color) {
    }

    interface Golden {
        String find(int id, String name, List<Object> tags, Color color, Route route);
    }

    static Method golden() {
        try {
            return Golden.class.getMethod("find", int.class, String.class, List.class, Color.class, Route.class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** Argument lists covering every accepted type, nested. */
    static List<Object[]> goldenArguments() {
        return List.of(
                new Object[] {1, "one", List.of(), Color.RED, null},
                new Object[] {2, "", Arrays.asList(1L, 1.0, 1.0f, true, "1", '1', (byte) 1, (short) 1, null), Color.GREEN,
                        new Route("r", List.of(new Point(1, 2), new Point(-3, 4)), Color.RED)},
                new Object[] {-7, "ünïcödé \uD83D\uDE00", List.of(new byte[] {0, -1, 127}, new int[] {1, 2}, new Object[] {"a", List.of("b")},
                        new long[] {Long.MIN_VALUE}, new double[] {-0.0, Double.NaN}, new float[] {1.5f}, new char[] {'x'},
                        new short[] {3}, new boolean[] {true, false}), Color.RED, null});
    }

    /** The keys of {@link #goldenArguments()}, plain and scoped, one per line. */
    static List<String> goldenKeys() {
        CanonicalKey plain = CanonicalKey.forMethod(golden());
        CanonicalKey scoped = CanonicalKey.forMethod(golden(), Golden.class, Point.class);
        CanonicalKey named = CanonicalKey.forName("golden.function");
        return goldenArguments().stream()
                .flatMap(args -> Stream.of(plain.build(args), scoped.build(args), named.build(args[2])))
                .toList();
    }
}
