package io.zodiac.cache.bench;

import java.util.SplittableRandom;

/**
 * The key stream of Caffeine's {@code GetPutBenchmark}: {@link #SIZE} precomputed keys drawn from
 * a scrambled Zipf distribution (exponent 0.99, as YCSB's {@code ScrambledZipfGenerator}) over
 * {@link #ITEMS} distinct items, read through an index masked by {@link #MASK}. The seed is fixed,
 * so every run and every peer reads the same sequence.
 */
final class ZipfKeys {

    static final int SIZE = 1 << 14;
    static final int MASK = SIZE - 1;
    static final int ITEMS = SIZE / 3;
    private static final double EXPONENT = 0.99;

    private ZipfKeys() {
    }

    /** {@link #SIZE} item numbers in {@code [0, ITEMS)}, Zipf-distributed, popular items scattered. */
    static int[] items() {
        double[] cdf = new double[ITEMS];
        double sum = 0;
        for (int rank = 0; rank < ITEMS; rank++) {
            sum += 1 / Math.pow(rank + 1, EXPONENT);
            cdf[rank] = sum;
        }
        SplittableRandom random = new SplittableRandom(42);
        int[] items = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            double u = random.nextDouble() * sum;
            int rank = lowerBound(cdf, u);
            items[i] = (int) Long.remainderUnsigned(fnv1a(rank), ITEMS);
        }
        return items;
    }

    /** The keys as strings, built once up front: the measured loop allocates nothing. */
    static String[] strings(String prefix) {
        int[] items = items();
        String[] keys = new String[SIZE];
        for (int i = 0; i < SIZE; i++) {
            keys[i] = prefix + items[i];
        }
        return keys;
    }

    private static int lowerBound(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static long fnv1a(long value) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < 8; i++) {
            hash ^= (value >>> (i * 8)) & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
