package io.zodiac.cache.cli;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws key indexes {@code 0..n-1} with Zipf's law: index {@code i} comes up with a probability
 * proportional to {@code 1 / (i + 1)^exponent}, so a few keys are hot and most are cold. An
 * exponent of 0 is uniform. Immutable and thread-safe; the randomness comes from the caller.
 */
final class Zipf {

    private final double[] cumulative;

    Zipf(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be positive, got " + n);
        }
        if (exponent < 0 || Double.isNaN(exponent)) {
            throw new IllegalArgumentException("exponent must not be negative, got " + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, exponent);
            cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
    }

    /** The next index: the first whose cumulative probability exceeds a uniform draw. */
    int next(SplittableRandom random) {
        int found = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(found >= 0 ? found + 1 : -found - 1, cumulative.length - 1);
    }
}
