package io.zodiac.cache.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options that shape the demo's workload, shared by {@code demo} and its worker processes. */
final class WorkloadOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--duration", paramLabel = "TIME", defaultValue = "5s", converter = Durations.class,
            description = "How long the clients read through the cache (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--latency", paramLabel = "TIME", defaultValue = "50ms", converter = Durations.class,
            description = "How long the slow source takes per read (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "64",
            description = "Concurrent clients, one thread each (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000",
            description = "Distinct keys the clients ask for (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--zipf", paramLabel = "EXPONENT", defaultValue = "1.0",
            description = "Skew of the key popularity: key i is asked with a weight of 1/i^EXPONENT; 0 is uniform "
                    + "(default: ${DEFAULT-VALUE}).")
    double zipf;

    @Option(names = "--think", paramLabel = "TIME", defaultValue = "1ms", converter = Durations.class,
            description = "Each client's pause between two requests, as a client that does other work; 0 asks as "
                    + "fast as the cache answers (default: ${DEFAULT-VALUE}).")
    Duration think;

    @Option(names = "--cached-proxy",
            description = "Read through a @Cached method of a CachedProxy instead of calling getOrSet (its lease is "
                    + "@Cached's default, 2 s: keep --latency below it).")
    boolean cachedProxy;

    @Option(names = "--ttl", paramLabel = "TIME", defaultValue = "10m", converter = Durations.class,
            description = "How long the values live in the cache (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--refresh-after", paramLabel = "TIME", converter = Durations.class,
            description = "Refresh-ahead: a hit on a value older than this returns it and refreshes it in the "
                    + "background (shorter than --ttl); the demo then also runs without it and compares the hot "
                    + "keys' latency.")
    Duration refreshAfter;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the clients' random key choices, for reproducible runs (default: ${DEFAULT-VALUE}).")
    long seed;

    /** Rejects values the demo cannot run with, naming the option. */
    void validate() {
        check(!duration.isZero() && duration.compareTo(Duration.ofHours(1)) <= 0,
                "--duration must be more than 0 and at most 1h, got " + Durations.format(duration));
        check(latency.compareTo(Duration.ofMinutes(1)) <= 0, "--latency must be at most 1m, got " + Durations.format(latency));
        check(think.compareTo(Duration.ofMinutes(1)) <= 0, "--think must be at most 1m, got " + Durations.format(think));
        check(threads >= 1 && threads <= 10_000, "--threads must be between 1 and 10000, got " + threads);
        check(keys >= 1 && keys <= 1_000_000, "--keys must be between 1 and 1000000, got " + keys);
        check(zipf >= 0 && zipf <= 10, "--zipf must be between 0 and 10, got " + zipf);
        check(!ttl.isZero() && ttl.compareTo(Duration.ofDays(1)) <= 0, "--ttl must be more than 0 and at most 1d, got "
                + Durations.format(ttl));
        check(refreshAfter == null || !refreshAfter.isZero() && refreshAfter.compareTo(ttl) < 0,
                "--refresh-after must be more than 0 and shorter than --ttl " + Durations.format(ttl) + ", got "
                        + (refreshAfter == null ? "" : Durations.format(refreshAfter)));
    }

    /** Throws the usage error {@code message} unless {@code condition} holds. */
    private void check(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** The workload of this process's clients. */
    Workload workload() {
        return new Workload(threads, keys, zipf, latency, think, seed, cachedProxy, ttl, refreshAfter);
    }

    /** The same workload without refresh-ahead, for the comparison. */
    Workload withoutRefresh() {
        return new Workload(threads, keys, zipf, latency, think, seed, cachedProxy, ttl, null);
    }

    /** What the clients call: {@code getOrSet} or a {@code @Cached} method. */
    String api() {
        return cachedProxy ? "a @Cached proxy" : "getOrSet";
    }

    /** These options for a worker process that runs {@code workerThreads} of the clients with its own seed. */
    List<String> forWorker(int workerThreads, long workerSeed) {
        List<String> arguments = new ArrayList<>(List.of("--duration", duration.toString(), "--latency", latency.toString(),
                "--threads", Integer.toString(workerThreads), "--keys", Integer.toString(keys),
                "--zipf", Double.toString(zipf), "--think", think.toString(), "--seed", Long.toString(workerSeed)));
        if (cachedProxy) {
            arguments.add("--cached-proxy");
        }
        arguments.addAll(List.of("--ttl", ttl.toString()));
        if (refreshAfter != null) {
            arguments.addAll(List.of("--refresh-after", refreshAfter.toString()));
        }
        return arguments;
    }
}
