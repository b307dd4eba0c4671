package io.zodiac.cache.bench;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.LocalServer;
import io.zodiac.cache.testkit.MemcachedServer;
import io.zodiac.cache.testkit.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * What callers see while a server fails: {@code callers} threads call {@code blocking().getOrSet}
 * on random keys of a Redis and of a Memcached cache, each call followed by a short pause, while
 * the server is paused ({@code SIGSTOP}) for 3 s, paused for 8 s (past the 5 s operation timeout),
 * and killed ({@code SIGKILL}) and restarted on its port 3 s later. Not JMH: a harness, whose
 * figures {@link Report} writes to the "Faults" section.
 *
 * <p>Per backend and fault: the calls made, the calls that failed (an exception reached the
 * caller), the calls that took longer than the operation timeout plus the producer's time plus
 * 250 ms of scheduling on a busy machine, the producer runs, the slowest call, and the time to
 * recover: from the server's return to the first direct {@code get} that succeeds (probing every
 * 10 ms).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.FaultHarness [out.json] [callers]}.
 */
public final class FaultHarness {

    private static final Duration OPERATION_TIMEOUT = CacheConfig.DEFAULT_OPERATION_TIMEOUT;
    private static final long PRODUCER_MILLIS = 10;
    private static final long PAUSE_BETWEEN_CALLS_MILLIS = 50;
    private static final int KEYS = 100;
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration AFTER_RECOVERY = Duration.ofSeconds(2);
    /** What a call may take beyond the operation timeout and its producer before it counts as over it. */
    private static final Duration SLACK = Duration.ofMillis(250);

    private FaultHarness() {
    }

    /** A server fault: what is done to the server, and how long until it is back. */
    private enum Fault {
        PAUSE_3S("SIGSTOP 3 s") {
            @Override
            void apply(LocalServer server) {
                server.pause();
                sleep(Duration.ofSeconds(3));
                server.resume();
            }
        },
        PAUSE_8S("SIGSTOP 8 s") {
            @Override
            void apply(LocalServer server) {
                server.pause();
                sleep(Duration.ofSeconds(8));
                server.resume();
            }
        },
        KILL_RESTART("SIGKILL, restart after 3 s") {
            @Override
            void apply(LocalServer server) {
                server.kill();
                sleep(Duration.ofSeconds(3));
                server.restart();
            }
        };

        final String label;

        Fault(String label) {
            this.label = label;
        }

        /** Applies the fault and returns once the server is back. */
        abstract void apply(LocalServer server);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "faults.json");
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Results results = new Results("faults");
        results.context("callers", callers);
        results.context("operationTimeoutMillis", OPERATION_TIMEOUT.toMillis());
        results.context("producerMillis", PRODUCER_MILLIS);
        results.context("pauseBetweenCallsMillis", PAUSE_BETWEEN_CALLS_MILLIS);
        results.context("keys", KEYS);
        results.context("overTimeoutMillis", OPERATION_TIMEOUT.plusMillis(PRODUCER_MILLIS).plus(SLACK).toMillis());
        for (String backend : List.of("redis", "memcached")) {
            for (Fault fault : Fault.values()) {
                try (LocalServer server = backend.equals("redis") ? RedisServer.start() : MemcachedServer.start()) {
                    String uri = backend.equals("redis") ? ((RedisServer) server).uri() : "memcached://" + server.address();
                    run(backend, fault, server, CacheConfig.fromUri(uri).build(), callers, results);
                }
            }
        }
        results.write(out);
    }

    private static void run(String backend, Fault fault, LocalServer server, CacheConfig config, int callers, Results results) {
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup("faults-" + fault.name().toLowerCase(), config);
            Load load = new Load(cache, callers);
            load.start();
            sleep(WARM_UP);
            System.out.println("== " + backend + ": " + fault.label);
            fault.apply(server);
            long back = System.nanoTime();
            long recoveredAt = recovered(cache, back + TimeUnit.SECONDS.toNanos(60));
            sleep(AFTER_RECOVERY);
            load.stop();

            String subject = backend + "-" + fault.name();
            String description = backend + ", " + fault.label;
            long[] latencies = load.latencies();
            results.add(subject, "calls", latencies.length, "calls", description);
            results.add(subject, "failed", load.failed.get(), "calls", description);
            results.add(subject, "overTimeout", load.overTimeout(), "calls", description);
            results.add(subject, "producerRuns", load.produced.get(), "runs", description);
            results.add(subject, "latencyMax", latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6, "ms", description);
            results.add(subject, "recoveryMillis", recoveredAt < 0 ? -1 : (recoveredAt - back) / 1e6, "ms", description);
            System.out.printf("calls %d, failed %d, over the timeout %d, producer runs %d, slowest %.0f ms, recovered in %s%n",
                    latencies.length, load.failed.get(), load.overTimeout(), load.produced.get(),
                    latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6,
                    recoveredAt < 0 ? "never (60 s)" : String.format("%.0f ms", (recoveredAt - back) / 1e6));
        }
    }

    /** Probes with direct gets every 10 ms: when the first one succeeded, or -1 by the deadline. */
    private static long recovered(ZodiacCache cache, long deadline) {
        while (System.nanoTime() - deadline < 0) {
            try {
                cache.blocking().get("probe");
                return System.nanoTime();
            } catch (RuntimeException e) {
                sleep(Duration.ofMillis(10));
            }
        }
        return -1;
    }

    private static void sleep(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }

    /** The callers: each calls getOrSet on a random key, pauses, and calls again until stopped. */
    private static final class Load {
        private final ZodiacCache cache;
        private final List<Thread> threads = new ArrayList<>();
        private final List<long[]> perThread = new ArrayList<>();
        private final int[] counts;
        final AtomicLong failed = new AtomicLong();
        final AtomicLong produced = new AtomicLong();
        private volatile boolean running = true;

        Load(ZodiacCache cache, int callers) {
            this.cache = cache;
            this.counts = new int[callers];
            for (int i = 0; i < callers; i++) {
                int caller = i;
                perThread.add(new long[1024]);
                threads.add(new Thread(() -> call(caller), "caller-" + i));
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        void stop() {
            running = false;
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void call(int caller) {
            GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().ttl(Duration.ofSeconds(1));
            Supplier<String> producer = () -> {
                produced.incrementAndGet();
                sleep(Duration.ofMillis(PRODUCER_MILLIS));
                return "value";
            };
            while (running) {
                String key = "k" + ThreadLocalRandom.current().nextInt(KEYS);
                long start = System.nanoTime();
                try {
                    cache.blocking().getOrSet(key, producer, options);
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                }
                record(caller, System.nanoTime() - start);
                sleep(Duration.ofMillis(PAUSE_BETWEEN_CALLS_MILLIS));
            }
        }

        private void record(int caller, long nanos) {
            long[] buffer = perThread.get(caller);
            if (counts[caller] == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
                perThread.set(caller, buffer);
            }
            buffer[counts[caller]++] = nanos;
        }

        /** Every call's latency in nanoseconds, sorted; after {@link #stop()}. */
        long[] latencies() {
            long[] all = new long[Arrays.stream(counts).sum()];
            int at = 0;
            for (int i = 0; i < counts.length; i++) {
                System.arraycopy(perThread.get(i), 0, all, at, counts[i]);
                at += counts[i];
            }
            Arrays.sort(all);
            return all;
        }

        long overTimeout() {
            long limit = OPERATION_TIMEOUT.plusMillis(PRODUCER_MILLIS).plus(SLACK).toNanos();
            return Arrays.stream(latencies()).filter(nanos -> nanos > limit).count();
        }
    }
}
