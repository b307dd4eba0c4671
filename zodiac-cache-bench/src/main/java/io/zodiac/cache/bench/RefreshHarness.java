package io.zodiac.cache.bench;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A hot key across several TTL expiries, with and without refresh-ahead, from {@code jvms} JVMs
 * sharing one Redis. Not JMH: a harness, like {@link RedisStampedeHarness}.
 *
 * <p>Each child JVM runs {@code threads} callers that call {@code blocking().getOrSet} on one hot
 * key for {@code durationMillis}, pausing 5 ms between calls (a client that does other work, and a load the machine carries); the producer sleeps
 * {@code loadMillis} (a slow database). The values live {@code ttlMillis}; the refreshing system
 * sets {@code refreshAfter} to {@code refreshMillis}. Reported per system: caller latency
 * percentiles over every call of every JVM (target with refresh: the p99 stays at hit latency,
 * far below the load time), producer runs in total, and producer runs per period across the JVMs
 * (the runs are grouped by time: runs less than half a period apart belong to one period, a period
 * being the TTL without refresh and {@code refreshAfter} with it; target: 1).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.RefreshHarness [out.json] [jvms]
 * [threadsPerJvm] [loadMillis] [ttlMillis] [refreshMillis] [durationMillis]}.
 */
public final class RefreshHarness {

    private RefreshHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        Path out = Path.of(args.length > 0 ? args[0] : "refresh.json");
        int jvms = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        long loadMillis = args.length > 3 ? Long.parseLong(args[3]) : 50;
        long ttlMillis = args.length > 4 ? Long.parseLong(args[4]) : 2000;
        long refreshMillis = args.length > 5 ? Long.parseLong(args[5]) : 1000;
        long durationMillis = args.length > 6 ? Long.parseLong(args[6]) : 10_000;

        Results results = new Results("refresh");
        results.context("jvms", jvms);
        results.context("threadsPerJvm", threads);
        results.context("loadMillis", loadMillis);
        results.context("ttlMillis", ttlMillis);
        results.context("refreshAfterMillis", refreshMillis);
        results.context("durationMillis", durationMillis);
        try (RedisServer server = RedisServer.start()) {
            for (String system : List.of("noRefresh", "refresh")) {
                long refresh = system.equals("refresh") ? refreshMillis : 0;
                List<Child> children = new ArrayList<>();
                List<Long> runs = new ArrayList<>();
                List<long[]> latencies = new ArrayList<>();
                try {
                    for (int i = 0; i < jvms; i++) {
                        children.add(new Child(server, system, threads, loadMillis, ttlMillis, refresh, durationMillis));
                    }
                    for (Child child : children) {
                        child.send("GO");
                    }
                    for (Child child : children) {
                        String[] done = child.expect("DONE").split(" ");
                        for (int i = 1; i < done.length; i++) {
                            runs.add(Long.parseLong(done[i]));
                        }
                        latencies.add(child.latencies());
                    }
                } finally {
                    for (Child child : children) {
                        child.close();
                    }
                }
                report(results, system, description(system, ttlMillis, refresh), runs, latencies,
                        refresh > 0 ? refresh : ttlMillis);
            }
        }
        results.write(out);
    }

    private static String description(String system, long ttlMillis, long refreshMillis) {
        return system.equals("refresh")
                ? "blocking().getOrSet on Redis, ttl " + ttlMillis + " ms, refreshAfter " + refreshMillis + " ms"
                : "blocking().getOrSet on Redis, ttl " + ttlMillis + " ms, no refresh";
    }

    private static void report(Results results, String system, String description, List<Long> runs, List<long[]> latencies,
            long periodMillis) {
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long[] times = runs.stream().mapToLong(Long::longValue).sorted().toArray();
        List<Integer> periods = new ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            if (i == 0 || times[i] - times[i - 1] >= periodMillis / 2) {
                periods.add(0);
            }
            periods.set(periods.size() - 1, periods.get(periods.size() - 1) + 1);
        }
        // the first period is the cold load of the key, which stampede protection covers: not a refresh
        List<Integer> later = periods.size() > 1 ? periods.subList(1, periods.size()) : periods;
        double meanRuns = later.stream().mapToInt(Integer::intValue).average().orElse(0);
        int maxRuns = later.stream().mapToInt(Integer::intValue).max().orElse(0);
        results.add(system, "calls", all.length, "calls", description);
        results.add(system, "producerRuns", times.length, "runs", description);
        results.add(system, "periods", later.size(), "periods", description);
        results.add(system, "producerRunsPerPeriod", meanRuns, "runs", description);
        results.add(system, "producerRunsMaxPeriod", maxRuns, "runs", description);
        for (double p : new double[] {50, 99, 99.9, 100}) {
            String metric = p == 100 ? "latencyMax" : "latencyP" + (p == 99.9 ? "999" : Integer.toString((int) p));
            results.add(system, metric, percentile(all, p) / 1e6, "ms", description);
        }
        System.out.printf("%-10s calls %d, producer runs %d, per period mean %.2f max %d; latency ms p50 %.2f p99 %.2f "
                + "p99.9 %.2f max %.1f  [%s]%n", system, all.length, times.length, meanRuns, maxRuns, percentile(all, 50) / 1e6,
                percentile(all, 99) / 1e6, percentile(all, 99.9) / 1e6, percentile(all, 100) / 1e6, description);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** One child JVM, driven over its stdin and stdout; its latencies come back in a file. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final PrintWriter in;
        private final BufferedReader out;
        private final Path latencyFile;

        Child(RedisServer server, String system, int threads, long loadMillis, long ttlMillis, long refreshMillis,
                long durationMillis) throws IOException {
            latencyFile = Files.createTempFile("zodiac-refresh-", ".bin");
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    RefreshHarness.class.getName(), "child", server.host(), Integer.toString(server.port()), system,
                    Integer.toString(threads), Long.toString(loadMillis), Long.toString(ttlMillis),
                    Long.toString(refreshMillis), Long.toString(durationMillis), latencyFile.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            expect("STARTED");
        }

        void send(String line) {
            in.println(line);
        }

        String expect(String prefix) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IOException("child exited before answering " + prefix);
        }

        long[] latencies() throws IOException {
            try (DataInputStream data = new DataInputStream(Files.newInputStream(latencyFile))) {
                long[] values = new long[data.readInt()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = data.readLong();
                }
                return values;
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            Files.deleteIfExists(latencyFile);
        }
    }

    // ------------------------------------------------------------------ child

    private static void child(String[] args) throws Exception {
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String system = args[3];
        int threads = Integer.parseInt(args[4]);
        long loadMillis = Long.parseLong(args[5]);
        long ttlMillis = Long.parseLong(args[6]);
        long refreshMillis = Long.parseLong(args[7]);
        long durationMillis = Long.parseLong(args[8]);
        Path latencyFile = Path.of(args[9]);
        PrintStream reply = System.out;
        System.setOut(System.err);  // only the protocol on stdout

        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().ttl(Duration.ofMillis(ttlMillis))
                .refreshAfter(refreshMillis > 0 ? Duration.ofMillis(refreshMillis) : null);
        ConcurrentLinkedQueue<Long> runs = new ConcurrentLinkedQueue<>();
        String key = "hot-" + system;
        try (CacheManager manager = new CacheManager()) {
            BlockingCache cache = manager.setup("bench", CacheConfig.builder().backend("redis")
                    .option("endpoint", host).option("port", port).build()).blocking();
            for (int i = 0; i < 2000; i++) { // warm-up: the hit path, compiled
                cache.getOrSet("warm-up-" + ProcessHandle.current().pid(), () -> "warm", options);
            }
            cache.getOrSet(key, () -> { // the cold load (in one JVM) before the measure: its period is left out
                runs.add(System.currentTimeMillis());
                return "value";
            }, options);
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            reply.println("STARTED");
            reply.flush();
            if (!"GO".equals(commands.readLine())) {
                throw new IllegalStateException("expected GO");
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMillis);
            List<long[]> recorded = new ArrayList<>();
            List<Thread> callers = new ArrayList<>();
            int[] counts = new int[threads];
            for (int t = 0; t < threads; t++) {
                long[] latencies = new long[(int) Math.min(Integer.MAX_VALUE - 8, durationMillis * 2 + 1000)];
                recorded.add(latencies);
                int index = t;
                Thread caller = new Thread(() -> {
                    int n = 0;
                    while (System.nanoTime() < deadline && n < latencies.length) {
                        long start = System.nanoTime();
                        cache.getOrSet(key, () -> {
                            runs.add(System.currentTimeMillis());
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(loadMillis));
                            return "value";
                        }, options);
                        latencies[n++] = System.nanoTime() - start;
                        LockSupport.parkNanos(5_000_000);
                    }
                    counts[index] = n;
                });
                caller.start();
                callers.add(caller);
            }
            for (Thread caller : callers) {
                caller.join();
            }
            int total = Arrays.stream(counts).sum();
            try (DataOutputStream data = new DataOutputStream(Files.newOutputStream(latencyFile))) {
                data.writeInt(total);
                for (int t = 0; t < threads; t++) {
                    for (int i = 0; i < counts[t]; i++) {
                        data.writeLong(recorded.get(t)[i]);
                    }
                }
            }
            StringBuilder done = new StringBuilder("DONE");
            runs.forEach(run -> done.append(' ').append(run));
            reply.println(done);
            reply.flush();
            commands.readLine(); // until the parent closes stdin
        }
    }
}
