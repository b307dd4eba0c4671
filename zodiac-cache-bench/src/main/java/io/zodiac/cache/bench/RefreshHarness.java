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
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
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
 * A hot key across several TTL expiries, with and without refresh-ahead. Not JMH: a harness, like
 * {@link RedisStampedeHarness}.
 *
 * <p>Four systems, each on its own hot key, measured one after the other from the same warmed-up
 * child JVMs, on Redis ({@code jvms} children sharing one {@code redis-server} of the test kit) and
 * on the in-memory backend (one child: its entries are not shared):
 * <ul>
 *   <li>{@code hit}: values live an hour, far longer than the run: every call is a hit. The
 *       baseline: the hit latency of the same key, callers and pace.</li>
 *   <li>{@code hitRefreshPath}: the same with {@code refreshAfter} 59 minutes, never due: the hit
 *       latency of refresh-ahead's read (on Redis {@code GET} and {@code PTTL}, not {@code GET}
 *       alone) without a refresh.</li>
 *   <li>{@code noRefresh}: values live {@code ttlMillis}: the key expires several times during the
 *       run and a caller waits for the producer at each expiry.</li>
 *   <li>{@code refresh}: the same TTL with {@code refreshAfter} {@code refreshMillis}: a hit on an
 *       entry older than that starts one background refresh (one across the JVMs).</li>
 * </ul>
 *
 * <p>Each child JVM runs {@code callers} threads calling {@code blocking().getOrSet} on the hot key
 * at a fixed rate, one call every {@code intervalMicros} per thread, for {@code durationMillis}; the
 * producer sleeps {@code loadMillis} (a slow database). The rate keeps the machine's CPU far from
 * saturation, so that the latency is the cache's, not the run queue's (the CPU the children and the
 * server used is reported). Latency is measured from each call's intended start on that schedule, not
 * from when it was sent: a caller held up by a producer owes the calls it could not send, and they
 * count as late by as much (no coordinated omission). It includes how late {@code parkNanos} wakes
 * the caller, the same in every system. Before the callers start, one JVM loads the key, so that the
 * run starts with a fresh entry. The children warm up (calls back to back, then paced calls, then
 * until their JIT is idle) before the first system.
 *
 * <p>Reported per backend and system: latency percentiles over every call of every JVM, producer
 * runs during the run, and producer runs per period (runs less than half a period apart are one
 * period, a period being the TTL without refresh and {@code refreshAfter} with it; target with
 * refresh: 1 across the JVMs), the CPU the children and {@code redis-server} used (in cores), the
 * run's wall time and the 1-minute load average when it started. The target of refresh-ahead is its
 * p99 at the hit baseline's.
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
    private static final long JIT_IDLE_MILLIS = 500;
    private static final long JIT_IDLE_MAX_MILLIS = 10_000;
    /**
     * In the order they run: first the one least sensitive to what the warm-up left over (its tail is
     * the producer's), the hit baseline not first.
     */
    private static final List<String> SYSTEMS = List.of("noRefresh", "hit", "refresh", "hitRefreshPath");

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
        Settings settings = new Settings(args.length > 2 ? Integer.parseInt(args[2]) : 1,
                args.length > 3 ? Long.parseLong(args[3]) : 5000, args.length > 4 ? Long.parseLong(args[4]) : 50,
                args.length > 5 ? Long.parseLong(args[5]) : 1000, args.length > 6 ? Long.parseLong(args[6]) : 700,
                args.length > 7 ? Long.parseLong(args[7]) : 7000);

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
            run(results, "redis", server, jvms, settings);
        }
        run(results, "memory", null, 1, settings);
        results.context("loadAverageAfter", loadAverage());
        System.out.println("load average after: " + loadAverage());
        results.write(out);
    }

    /**
     * Starts {@code jvms} children on {@code backend}, runs every system from them, one after the
     * other, and adds the figures to {@code results}.
     */
    private static void run(Results results, String backend, RedisServer server, int jvms, Settings settings) throws IOException {
        List<Child> children = new ArrayList<>();
        try {
            for (int i = 0; i < jvms; i++) {
                children.add(new Child(backend, server, settings));
            }
            for (Child child : children) {
                child.expect("STARTED");
            }
            for (String system : SYSTEMS) {
                children.get(0).send("PRIME " + system);  // a fresh entry when the callers start
                children.get(0).expect("PRIMED");
                List<Long> runs = new ArrayList<>();
                List<long[]> latencies = new ArrayList<>();
                double load = Double.parseDouble(loadAverage().split(" ")[0]);
                long cpuNanos = -serverCpuNanos(server);
                long start = System.nanoTime();
                for (Child child : children) {
                    child.send("GO " + system);
                }
                for (Child child : children) {
                    String[] done = child.expect("DONE").split(" ");
                    cpuNanos += Long.parseLong(done[1]);
                    for (int i = 2; i < done.length; i++) {
                        runs.add(Long.parseLong(done[i]));
                    }
                    latencies.add(child.latencies());
                }
                long wallNanos = System.nanoTime() - start;
                cpuNanos += serverCpuNanos(server);
                report(results, backend + "-" + system, settings.description(backend, system), jvms, runs, latencies,
                        settings.periodMillis(system), (double) cpuNanos / wallNanos, wallNanos / 1e6, load);
            }
        } finally {
            for (Child child : children) {
                child.close();
            }
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
        private final Process process;
        private final PrintWriter in;
        private final BufferedReader out;
        private final Path latencyFile;

        Child(String backend, RedisServer server, Settings settings) throws IOException {
            latencyFile = Files.createTempFile("zodiac-refresh-", ".bin");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    RefreshHarness.class.getName(), "child", backend, server == null ? "-" : server.host(),
                    Integer.toString(server == null ? 0 : server.port())));
            command.addAll(settings.args());
            command.add(latencyFile.toString());
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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

    /**
     * A child: warms up, answers {@code STARTED}; then, until its stdin closes, on {@code PRIME system}
     * loads that system's hot key and answers {@code PRIMED}; on {@code GO system} runs the paced
     * callers with that system's options and answers {@code DONE cpuNanos runs...} (its CPU time
     * during the run, and the wall-clock times of the producer runs), the latencies in
     * {@code latencyFile}.
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
            long warmUpEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MILLIS);
            for (int i = 0; i < WARMUP_CALLS && System.nanoTime() < warmUpEnd; i++) {
                String system = SYSTEMS.get(i % SYSTEMS.size());
                cache.getOrSet("warm-up-" + system + "-" + ProcessHandle.current().pid(), () -> "warm", settings.options(system));
            }
            // then paced calls for a second (the callers' loop compiled too), and until the JIT has been idle for a while
            callers(cache, "warm-up-paced-" + ProcessHandle.current().pid(), settings.options("hit"), settings, 1000, new ArrayList<>(),
                    new ConcurrentLinkedQueue<>());
            awaitJitIdle();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            reply.println("STARTED");
            reply.flush();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            String command;
            while ((command = commands.readLine()) != null) {
                String[] words = command.split(" ");
                String system = words[1];
                String key = "hot-" + system;
                GetOrSetOptions<String> options = settings.options(system);
                if (words[0].equals("PRIME")) {
                    cache.getOrSet(key, () -> "value", options);
                    reply.println("PRIMED");
                    reply.flush();
                    continue;
                }
                if (!words[0].equals("GO")) {
                    throw new IllegalStateException("expected PRIME or GO, got " + command);
                }
                ConcurrentLinkedQueue<Long> runs = new ConcurrentLinkedQueue<>();
                List<long[]> latencies = new ArrayList<>();
                long cpu = os.getProcessCpuTime();
                callers(cache, key, options, settings, settings.durationMillis(), latencies, runs);
                cpu = os.getProcessCpuTime() - cpu;
                try (DataOutputStream data = new DataOutputStream(Files.newOutputStream(latencyFile))) {
                    data.writeInt(latencies.stream().mapToInt(values -> values.length).sum());
                    for (long[] values : latencies) {
                        for (long value : values) {
                            data.writeLong(value);
                        }
                    }
                }
                StringBuilder done = new StringBuilder("DONE ").append(cpu);
                runs.forEach(run -> done.append(' ').append(run));
                reply.println(done);
                reply.flush();
            }
        }
    }

    /**
     * Runs the paced callers on {@code key} for {@code millis} and waits for them: caller
     * {@code t} intends its {@code n}-th call at {@code start + t * interval / callers + n * interval},
     * sends it then (or at once when it is behind) and records the time from the intended start to the
     * return into {@code latencies} (one array per caller); the producer adds its start time to
     * {@code runs} and sleeps the load time.
     */
    private static void callers(BlockingCache cache, String key, GetOrSetOptions<String> options, Settings settings, long millis,
            List<long[]> latencies, ConcurrentLinkedQueue<Long> runs) throws InterruptedException {
        long interval = TimeUnit.MICROSECONDS.toNanos(settings.intervalMicros());
        int calls = (int) Math.min(Integer.MAX_VALUE - 8, TimeUnit.MILLISECONDS.toNanos(millis) / interval);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < settings.callers(); t++) {
            long[] recorded = new long[calls];
            latencies.add(recorded);
            long first = start + t * interval / settings.callers();
            Thread caller = new Thread(() -> {
                for (int n = 0; n < calls; n++) {
                    long intended = first + n * interval;
                    for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    cache.getOrSet(key, () -> {
                        runs.add(System.currentTimeMillis());
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.loadMillis()));
                        return "value";
                    }, options);
                    recorded[n] = System.nanoTime() - intended;
                }
            }, "caller-" + t);
            caller.start();
            threads.add(caller);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
