package io.zodiac.cache.bench;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The measured iterations of one benchmark (and parameters), pooled over every fork of every
 * JMH run that measured it: {@code run.sh} runs the forks of the Redis benchmark as separate
 * runs, interleaved with its peer's, and {@link Report} puts them back together here. The score
 * and its error are JMH's: the mean of all iterations and the half-width of its 99.9% confidence
 * interval (Student's t).
 */
final class JmhSamples {

    private final String unit;
    private final List<Double> iterations = new ArrayList<>();
    private final List<Double> allocations = new ArrayList<>();
    private int forks;

    JmhSamples(String unit) {
        this.unit = unit;
    }

    /** One JMH result: its iterations per fork, and the bytes per operation of each (may be empty). */
    void add(List<List<Double>> iterationsByFork, List<List<Double>> allocationByFork) {
        iterationsByFork.forEach(iterations::addAll);
        allocationByFork.forEach(allocations::addAll);
        forks += iterationsByFork.size();
    }

    int forks() {
        return forks;
    }

    Report.Score score() {
        return new Report.Score(mean(iterations), error(iterations), unit, allocations.isEmpty() ? Double.NaN : mean(allocations));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double error(List<Double> values) {
        int n = values.size();
        if (n < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double standardError = Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
        return new TDistribution(n - 1).inverseCumulativeProbability(1 - 0.001 / 2) * standardError;
    }
}
