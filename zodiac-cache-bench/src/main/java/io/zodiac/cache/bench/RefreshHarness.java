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
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A hot key across several TTL expiries, with and without refresh-ahead. Not JMH: a harness, like
 * {@link RedisStampedeHarness}.
 *
 * <p>Four systems, each on its own hot key, run <em>at the same time</em> from the same child JVMs,
 * so that whatever else the machine runs falls on all of them alike; on Redis (a {@code redis-server}
 * of the test kit) from one child with {@code callers} threads per system, the latency run; on the
 * same Redis from {@code jvms} children with one thread per system each, the run that counts producer
 * runs across JVMs (its many JVMs cost CPU of their own, so its latency is not the cache's alone);
 * then on the in-memory backend from one child (its entries are not shared):
 * <ul>
 *   <li>{@code hit}: values live an hour, far longer than the run: every call is a hit. The
 *       baseline: the hit latency of the same callers and pace.</li>
 *   <li>{@code hitRefreshPath}: the same with {@code refreshAfter} 59 minutes, never due: the hit
 *       latency of refresh-ahead's read (on Redis {@code GET} and {@code PTTL}, not {@code GET}
 *       alone) without a refresh.</li>
 *   <li>{@code noRefresh}: values live {@code ttlMillis}: the key expires several times during the
 *       run and a caller waits for the producer at each expiry.</li>
 *   <li>{@code refresh}: the same TTL with {@code refreshAfter} {@code refreshMillis}: a hit on an
 *       entry older than that starts one background refresh (one across the JVMs).</li>
 * </ul>
 *
 * <p>Each child JVM runs, per system, {@code callers} threads calling {@code blocking().getOrSet} on
 * the system's key at a fixed rate, one call every {@code intervalMicros} per thread (the threads'
 * schedules spread over the interval), for {@code durationMillis}; the producer sleeps
 * {@code loadMillis} (a slow database). The rate keeps the machine's CPU far from saturation, so
 * that the latency is the cache's, not the run queue's (the CPU the children and the server used is
 * reported). Latency is measured from each call's intended start on that schedule, not from when it
 * was sent: a caller held up by a producer owes the calls it could not send, and they count as late
 * by as much (no coordinated omission). It includes how late {@code parkNanos} wakes the caller, the
 * same in every system. Before the callers start, one JVM loads the keys, so that the run starts
 * with fresh entries; before that, the children warm up (calls back to back, then paced calls, then
 * until their JIT is idle).
 *
 * <p>Reported per backend and system: latency percentiles over every call of every JVM, producer
 * runs during the run, and producer runs per period (runs less than half a period apart are one
 * period, a period being the TTL without refresh and {@code refreshAfter} with it; target with
 * refresh: 1 across the JVMs); per backend, the CPU the children and {@code redis-server} used (in
 * cores), the run's wall time and the 1-minute load average when it started. The target of
 * refresh-ahead is its p99 at the hit baseline's.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.RefreshHarness [out.json] [jvms]
 * [callersPerJvm] [intervalMicros] [loadMillis] [ttlMillis] [refreshMillis] [durationMillis]}.
 */
public final class RefreshHarness {

    /** The TTL of the hit baseline: far longer than any run. */
    private static final Duration HIT_TTL = Duration.ofHours(1);
    /** Warm-up of each child before it reports ready: calls back to back on another key, this many or for so long. */
    private static final int WARMUP_CALLS = 30_000;
    private static final long WARMUP_MILLIS = 6000;
    private static final String HOT = "hot-";
    private static final long JIT_IDLE_MILLIS = 500;
    private static final long JIT_IDLE_MAX_MILLIS = 30_000;
    private static final List<String> SYSTEMS = List.of("hit", "hitRefreshPath", "noRefresh", "refresh");

    /** The settings every child of a run shares. */
    record Settings(int callers, long intervalMicros, long loadMillis, long ttlMillis, long refreshMillis, long durationMillis) {

        Settings {
            if (callers < 1 || intervalMicros < 1 || loadMillis < 0 || durationMillis < 1) {
                throw new IllegalArgumentException("callers, intervalMicros and durationMillis must be positive, loadMillis not negative");
            }
            if (refreshMillis < 1 || refreshMillis >= ttlMillis) {
                throw new IllegalArgumentException("refreshMillis must be positive and shorter than ttlMillis: " + refreshMillis
                        + " >= " + ttlMillis);
            }
        }

        Settings withCallers(int count) {
            return new Settings(count, intervalMicros, loadMillis, ttlMillis, refreshMillis, durationMillis);
        }

        List<String> args() {
            return List.of(Integer.toString(callers), Long.toString(intervalMicros), Long.toString(loadMillis),
                    Long.toString(ttlMillis), Long.toString(refreshMillis), Long.toString(durationMillis));
        }

        static Settings parse(String[] args, int from) {
            return new Settings(Integer.parseInt(args[from]), Long.parseLong(args[from + 1]), Long.parseLong(args[from + 2]),
                    Long.parseLong(args[from + 3]), Long.parseLong(args[from + 4]), Long.parseLong(args[from + 5]));
        }

        /** The options of {@code system}'s calls. */
        GetOrSetOptions<String> options(String system) {
            return switch (system) {
                case "hit" -> GetOrSetOptions.<String>defaults().ttl(HIT_TTL);
                case "hitRefreshPath" -> GetOrSetOptions.<String>defaults().ttl(HIT_TTL).refreshAfter(HIT_TTL.minusMinutes(1));
                case "noRefresh" -> GetOrSetOptions.<String>defaults().ttl(Duration.ofMillis(ttlMillis));
                case "refresh" -> GetOrSetOptions.<String>defaults().ttl(Duration.ofMillis(ttlMillis))
                        .refreshAfter(Duration.ofMillis(refreshMillis));
                default -> throw new IllegalArgumentException("unknown system: " + system);
            };
        }

        /** The time between producer runs of {@code system}: its TTL, or {@code refreshAfter}; 0 when it never runs. */
        long periodMillis(String system) {
            return switch (system) {
                case "noRefresh" -> ttlMillis;
                case "refresh" -> refreshMillis;
                default -> 0;
            };
        }

        String description(String backend, String system) {
            String on = "blocking().getOrSet on " + backend + ", ";
            on += callers + " caller(s) per JVM, ";
            return switch (system) {
                case "hit" -> on + "ttl " + HIT_TTL.toMillis() + " ms (never expires during the run)";
                case "hitRefreshPath" -> on + "ttl " + HIT_TTL.toMillis() + " ms, refreshAfter " + HIT_TTL.minusMinutes(1).toMillis()
                        + " ms (never due during the run)";
                case "noRefresh" -> on + "ttl " + ttlMillis + " ms, no refresh";
                default -> on + "ttl " + ttlMillis + " ms, refreshAfter " + refreshMillis + " ms";
            };
        }
    }

    private RefreshHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], args[2], Integer.parseInt(args[3]), Settings.parse(args, 4), Path.of(args[10]));
            return;
        }
        Path out = Path.of(args.length > 0 ? args[0] : "refresh.json");
        int jvms = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Settings settings = new Settings(args.length > 2 ? Integer.parseInt(args[2]) : 4,
                args.length > 3 ? Long.parseLong(args[3]) : 20_000, args.length > 4 ? Long.parseLong(args[4]) : 50,
                args.length > 5 ? Long.parseLong(args[5]) : 1000, args.length > 6 ? Long.parseLong(args[6]) : 700,
                args.length > 7 ? Long.parseLong(args[7]) : 14_000);

        Results results = new Results("refresh");
        results.context("jvms", jvms);
        results.context("callersPerJvm", settings.callers());
        results.context("intervalMicros", settings.intervalMicros());
        results.context("loadMillis", settings.loadMillis());
        results.context("ttlMillis", settings.ttlMillis());
        results.context("refreshAfterMillis", settings.refreshMillis());
        results.context("durationMillis", settings.durationMillis());
        results.context("loadAverageBefore", loadAverage());
        System.out.println("load average before: " + loadAverage());
        try (RedisServer server = RedisServer.start()) {
            run(results, "redis", "redis", server, 1, settings);
            run(results, "redisJvms", "redis", server, jvms, settings.withCallers(1));
        }
        run(results, "memory", "memory", null, 1, settings);
        results.context("loadAverageAfter", loadAverage());
        System.out.println("load average after: " + loadAverage());
        results.write(out);
    }

    /**
     * Starts {@code jvms} children on {@code backend}, runs every system from them at once, and adds
     * the figures to {@code results}.
     */
    private static void run(Results results, String name, String backend, RedisServer server, int jvms, Settings settings)
            throws IOException {
        List<Child> children = new ArrayList<>();
        Map<String, List<Long>> runs = new LinkedHashMap<>();
        Map<String, List<long[]>> latencies = new LinkedHashMap<>();
        for (String system : SYSTEMS) {
            runs.put(system, new ArrayList<>());
            latencies.put(system, new ArrayList<>());
        }
        double load;
        long cpuNanos;
        long wallNanos;
        try {
            for (int i = 0; i < jvms; i++) {
                children.add(new Child(backend, server, settings));
            }
            for (Child child : children) {
                child.expect("STARTED");
            }
            children.get(0).send("PRIME");  // fresh entries when the callers start
            children.get(0).expect("PRIMED");
            load = Double.parseDouble(loadAverage().split(" ")[0]);
            cpuNanos = -serverCpuNanos(server);
            long start = System.nanoTime();
            for (Child child : children) {
                child.send("GO");
            }
            for (Child child : children) {
                String[] done = child.expect("DONE").split(" ");
                cpuNanos += Long.parseLong(done[1]);
                for (int i = 2; i < done.length; i++) {
                    String[] systemRuns = done[i].split("=", -1);
                    for (String run : systemRuns[1].split(",")) {
                        if (!run.isEmpty()) {
                            runs.get(systemRuns[0]).add(Long.parseLong(run));
                        }
                    }
                }
                child.latencies().forEach((system, values) -> latencies.get(system).add(values));
            }
            wallNanos = System.nanoTime() - start;
            cpuNanos += serverCpuNanos(server);
        } finally {
            for (Child child : children) {
                child.close();
            }
        }
        for (String system : SYSTEMS) {
            report(results, name + "-" + system, settings.description(backend, system), jvms, runs.get(system),
                    latencies.get(system), settings.periodMillis(system), (double) cpuNanos / wallNanos, wallNanos / 1e6, load);
        }
    }

    private static void report(Results results, String subject, String description, int jvms, List<Long> runs,
            List<long[]> latencies, long periodMillis, double cpuCores, double wallMillis, double load) {
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long[] times = runs.stream().mapToLong(Long::longValue).sorted().toArray();
        List<Integer> periods = new ArrayList<>();
        for (int i = 0; i < times.length; i++) {
            if (i == 0 || times[i] - times[i - 1] >= periodMillis / 2) {
                periods.add(0);
            }
            periods.set(periods.size() - 1, periods.get(periods.size() - 1) + 1);
        }
        double meanRuns = periods.stream().mapToInt(Integer::intValue).average().orElse(0);
        int maxRuns = periods.stream().mapToInt(Integer::intValue).max().orElse(0);
        results.add(subject, "jvms", jvms, "JVMs", description);
        results.add(subject, "calls", all.length, "calls", description);
        results.add(subject, "producerRuns", times.length, "runs", description);
        results.add(subject, "periods", periods.size(), "periods", description);
        results.add(subject, "producerRunsPerPeriod", meanRuns, "runs", description);
        results.add(subject, "producerRunsMaxPeriod", maxRuns, "runs", description);
        results.add(subject, "cpuCores", cpuCores, "cores", description);
        results.add(subject, "wallMillis", wallMillis, "ms", description);
        results.add(subject, "loadAverage", load, "", description);
        for (double p : new double[] {50, 99, 99.9, 100}) {
            String metric = p == 100 ? "latencyMax" : "latencyP" + (p == 99.9 ? "999" : Integer.toString((int) p));
            results.add(subject, metric, percentile(all, p) / 1e6, "ms", description);
        }
        System.out.printf("%-17s calls %d in %.0f ms (load %.2f), producer runs %d in %d periods (max %d per period), "
                + "CPU %.2f cores; latency ms p50 %.3f p99 %.3f p99.9 %.3f max %.2f  [%s]%n", subject, all.length, wallMillis, load,
                times.length, periods.size(), maxRuns, cpuCores, percentile(all, 50) / 1e6, percentile(all, 99) / 1e6,
                percentile(all, 99.9) / 1e6, percentile(all, 100) / 1e6, description);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * Waits until the JIT compilers have not compiled for {@value #JIT_IDLE_MILLIS} ms (at most
     * {@value #JIT_IDLE_MAX_MILLIS} ms): compilations left over from the warm-up would otherwise
     * compete with the first system's callers.
     */
    private static void awaitJitIdle() throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JIT_IDLE_MAX_MILLIS);
        long compiled = jit.getTotalCompilationTime();
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(JIT_IDLE_MILLIS);
            long now = jit.getTotalCompilationTime();
            if (now == compiled) {
                return;
            }
            compiled = now;
        }
    }

    /** CPU time {@code redis-server} has used so far; 0 without a server. */
    private static long serverCpuNanos(RedisServer server) {
        if (server == null) {
            return 0;
        }
        return ProcessHandle.of(server.pid()).flatMap(process -> process.info().totalCpuDuration()).map(Duration::toNanos)
                .orElse(0L);
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} shows them. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return String.format(java.util.Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** One child JVM, driven over its stdin and stdout; its latencies come back in a file. */
    private static final class Child implements AutoCloseable {
        private final ChildJvm jvm;
        private final Path latencyFile;

        Child(String backend, RedisServer server, Settings settings) throws IOException {
            latencyFile = Files.createTempFile("zodiac-refresh-", ".bin");
            List<String> args = new ArrayList<>(List.of("child", backend, server == null ? "-" : server.host(),
                    Integer.toString(server == null ? 0 : server.port())));
            args.addAll(settings.args());
            args.add(latencyFile.toString());
            jvm = new ChildJvm(RefreshHarness.class, "512m", args);
        }

        void send(String line) {
            jvm.send(line);
        }

        String expect(String prefix) throws IOException {
            return jvm.expect(prefix);
        }

        /** The latencies of the last run, by system. */
        Map<String, long[]> latencies() throws IOException {
            Map<String, long[]> bySystem = new LinkedHashMap<>();
            try (DataInputStream data = new DataInputStream(Files.newInputStream(latencyFile))) {
                for (String system : SYSTEMS) {
                    long[] values = new long[data.readInt()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = data.readLong();
                    }
                    bySystem.put(system, values);
                }
            }
            return bySystem;
        }

        @Override
        public void close() throws IOException {
            jvm.close();
            Files.deleteIfExists(latencyFile);
        }
    }

    // ------------------------------------------------------------------ child

    /**
     * A child: warms up, answers {@code STARTED}; on {@code PRIME} loads every system's hot key and
     * answers {@code PRIMED}; on {@code GO} runs the paced callers of every system at once and answers
     * {@code DONE cpuNanos system=run,run... ...} (its CPU time during the run, and per system the
     * wall-clock times of the producer runs), the latencies in {@code latencyFile}, system by system.
     */
    private static void child(String backend, String host, int port, Settings settings, Path latencyFile) throws Exception {
        PrintStream reply = System.out;
        System.setOut(System.err);  // only the protocol on stdout

        CacheConfig config = backend.equals("redis")
                ? CacheConfig.builder().backend("redis").option("endpoint", host).option("port", port).build()
                : CacheConfig.builder().backend("memory").build();
        try (CacheManager manager = new CacheManager()) {
            BlockingCache cache = manager.setup("bench", config).blocking();
            // warm-up: calls back to back with every system's options on keys of this JVM, so that the hit path and
            // (with a TTL) the miss and refresh paths are compiled
            String warmUp = "warm-up-" + ProcessHandle.current().pid() + "-";
            long warmUpEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MILLIS);
            for (int i = 0; i < WARMUP_CALLS && System.nanoTime() < warmUpEnd; i++) {
                String system = SYSTEMS.get(i % SYSTEMS.size());
                cache.getOrSet(warmUp + system, () -> "warm", settings.options(system));
            }
            // then paced calls for 3 seconds (the callers' loop compiled too), and until the JIT has been idle for a while
            callers(cache, warmUp, settings, 3000, new LinkedHashMap<>(), new LinkedHashMap<>());
            awaitJitIdle();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            reply.println("STARTED");
            reply.flush();
            String command = commands.readLine();
            if ("PRIME".equals(command)) {
                for (String system : SYSTEMS) {
                    cache.getOrSet(HOT + system, () -> "value", settings.options(system));
                }
                reply.println("PRIMED");
                reply.flush();
                command = commands.readLine();
            }
            if (!"GO".equals(command)) {
                throw new IllegalStateException("expected GO, got " + command);
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Map<String, List<long[]>> latencies = new LinkedHashMap<>();
            Map<String, Queue<Long>> runs = new LinkedHashMap<>();
            long cpu = os.getProcessCpuTime();
            callers(cache, HOT, settings, settings.durationMillis(), latencies, runs);
            cpu = os.getProcessCpuTime() - cpu;
            try (DataOutputStream data = new DataOutputStream(Files.newOutputStream(latencyFile))) {
                for (String system : SYSTEMS) {
                    data.writeInt(latencies.get(system).stream().mapToInt(values -> values.length).sum());
                    for (long[] values : latencies.get(system)) {
                        for (long value : values) {
                            data.writeLong(value);
                        }
                    }
                }
            }
            StringBuilder done = new StringBuilder("DONE ").append(cpu);
            for (String system : SYSTEMS) {
                done.append(' ').append(system).append('=')
                        .append(String.join(",", runs.get(system).stream().map(String::valueOf).toList()));
            }
            reply.println(done);
            reply.flush();
            commands.readLine(); // until the parent closes stdin
        }
    }

    /**
     * Runs the paced callers of every system, on the keys {@code prefix + system}, for {@code millis}
     * and waits for them. Each system has {@code callers} threads; the {@code i}-th of all the threads
     * intends its {@code n}-th call at {@code start + i * interval / threads + n * interval}, sends it
     * then (or at once when it is behind) and records the time from the intended start to the return
     * into {@code latencies} (per system, one array per thread); the producer adds its start time to
     * {@code runs} (per system) and sleeps the load time.
     */
    private static void callers(BlockingCache cache, String prefix, Settings settings, long millis, Map<String, List<long[]>> latencies,
            Map<String, Queue<Long>> runs) throws InterruptedException {
        long interval = TimeUnit.MICROSECONDS.toNanos(settings.intervalMicros());
        int calls = (int) Math.min(Integer.MAX_VALUE - 8, TimeUnit.MILLISECONDS.toNanos(millis) / interval);
        int threadCount = settings.callers() * SYSTEMS.size();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        List<Thread> threads = new ArrayList<>();
        for (String system : SYSTEMS) {
            String key = prefix + system;
            GetOrSetOptions<String> options = settings.options(system);
            Queue<Long> systemRuns = runs.computeIfAbsent(system, s -> new ConcurrentLinkedQueue<>());
            for (int t = 0; t < settings.callers(); t++) {
                long[] recorded = new long[calls];
                latencies.computeIfAbsent(system, s -> new ArrayList<>()).add(recorded);
                long first = start + threads.size() * interval / threadCount;
                Thread caller = new Thread(() -> {
                    for (int n = 0; n < calls; n++) {
                        long intended = first + n * interval;
                        for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
                            LockSupport.parkNanos(wait);
                        }
                        cache.getOrSet(key, () -> {
                            systemRuns.add(System.currentTimeMillis());
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.loadMillis()));
                            return "value";
                        }, options);
                        recorded[n] = System.nanoTime() - intended;
                    }
                }, "caller-" + system + "-" + t);
                caller.start();
                threads.add(caller);
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
