package io.zodiac.cache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes BENCHMARKS.md from one run's results directory: JMH's JSON files ({@code -rf json}), the
 * harnesses' JSON ({@link Results}), {@code redis-benchmark -q} output and {@code env.properties}
 * (machine, load, command), all written by {@code run.sh}. Every figure is shown next to the peer
 * it is compared with, measured in the same run, with the ratio and the target where there is one.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.Report RESULTS_DIR OUT.md [ANALYSIS.md]}.
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REDIS_BENCHMARK = Pattern.compile("c=(\\d+)\\s+GET:\\s*([0-9.]+) requests per second.*");

    /** One JMH result: score and 99.9% error, and the allocation per operation when profiled. */
    record Score(double value, double error, String unit, double allocPerOp) {
    }

    /** Which way is better. */
    enum Better {
        HIGHER, LOWER
    }

    private final Map<String, Score> jmh = new LinkedHashMap<>();
    private final Map<String, Score> harness = new LinkedHashMap<>();
    private final Map<String, Object> harnessContext = new LinkedHashMap<>();
    private final Properties env = new Properties();
    /** JMH's settings by benchmark class. */
    private final Map<String, String> jmhSettings = new LinkedHashMap<>();
    /** Per benchmark class, its forks, over every JMH run that measured it. */
    private final Map<String, Integer> jmhForks = new LinkedHashMap<>();
    private final Map<String, JmhSamples> pooled = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();
    private final List<String> missed = new ArrayList<>();
    private final List<String> absent = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        if (args.length == 4 && args[0].equals("--section") && args[1].equals("faults")) {
            Report report = new Report();
            report.load(Path.of(args[2]));
            report.faultsAlone(Path.of(args[3]));
            return;
        }
        if (args.length == 4 && args[0].equals("--section") && args[1].equals("refresh")) {
            Report report = new Report();
            report.load(Path.of(args[2]));
            report.refreshAlone(Path.of(args[3]));
            return;
        }
        if (args.length == 4 && args[0].equals("--section") && args[1].equals("near")) {
            Report report = new Report();
            report.load(Path.of(args[2]));
            report.nearCacheAlone(Path.of(args[3]));
            return;
        }
        if (args.length == 4 && args[0].equals("--section") && args[1].equals("keys")) {
            Report report = new Report();
            report.load(Path.of(args[2]));
            report.keysAlone(Path.of(args[3]));
            return;
        }
        if (args.length < 2) {
            System.err.println("usage: Report RESULTS_DIR OUT.md [ANALYSIS.md] | Report --section faults|refresh|near|keys RESULTS_DIR OUT.md");
            System.exit(2);
        }
        Report report = new Report();
        report.load(Path.of(args[0]));
        String analysis = args.length > 2 && Files.exists(Path.of(args[2])) ? Files.readString(Path.of(args[2])) : "";
        Files.writeString(Path.of(args[1]), report.render(analysis));
        System.out.println("wrote " + args[1]);
    }

    // ------------------------------------------------------------------ loading

    private void load(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.equals("env.properties")) {
                    env.load(new StringReader(Files.readString(file)));
                } else if (name.equals("redis-benchmark.txt")) {
                    loadRedisBenchmark(file);
                } else if (name.endsWith(".json")) {
                    JsonNode root = JSON.readTree(file.toFile());
                    if (root.isArray()) {
                        loadJmh(root);
                    } else if (root.has("figures")) {
                        loadHarness(root);
                    }
                }
            }
        }
    }

    private void loadJmh(JsonNode results) {
        for (JsonNode result : results) {
            String benchmark = result.get("benchmark").asText();
            String simple = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new LinkedHashMap<>();
            JsonNode paramNode = result.get("params");
            if (paramNode != null) {
                paramNode.properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            }
            JsonNode primary = result.get("primaryMetric");
            List<List<Double>> alloc = List.of();
            JsonNode secondary = result.get("secondaryMetrics");
            if (secondary != null) {
                for (Map.Entry<String, JsonNode> metric : secondary.properties()) {
                    if (metric.getKey().endsWith("gc.alloc.rate.norm")) {
                        alloc = rawData(metric.getValue());
                    }
                }
            }
            String key = jmhKey(simple, result.get("threads").asInt(), params);
            JmhSamples samples = pooled.computeIfAbsent(key, k -> new JmhSamples(primary.get("scoreUnit").asText()));
            samples.add(rawData(primary), alloc);
            jmh.put(key, samples.score());
            env.putIfAbsent("jmh.jvmArgs", String.join(" ", jvmArgs(result)));
            String benchmarkClass = simple.substring(0, simple.indexOf('.'));
            jmhForks.merge(benchmarkClass, samples.forks(), Math::max);
            jmhSettings.put(benchmarkClass, "warmup " + result.get("warmupIterations").asInt() + " x " + result.get("warmupTime").asText()
                    + ", measurement " + result.get("measurementIterations").asInt() + " x " + result.get("measurementTime").asText());
        }
    }

    /** A metric's iterations, fork by fork. */
    private static List<List<Double>> rawData(JsonNode metric) {
        List<List<Double>> forks = new ArrayList<>();
        for (JsonNode fork : metric.get("rawData")) {
            List<Double> iterations = new ArrayList<>();
            fork.forEach(value -> iterations.add(value.asDouble()));
            forks.add(iterations);
        }
        return forks;
    }

    /** The JVM arguments of the run, less the ones a benchmark method adds for itself (the key memo's size). */
    private static List<String> jvmArgs(JsonNode result) {
        List<String> args = new ArrayList<>(List.of(JSON.convertValue(result.get("jvmArgs"), String[].class)));
        args.removeIf(arg -> arg.startsWith("-Dzodiac.cache."));
        return args;
    }

    private void loadHarness(JsonNode root) {
        String suite = root.get("suite").asText();
        root.get("context").properties().forEach(e -> harnessContext.put(suite + "." + e.getKey(), e.getValue().asText()));
        for (JsonNode figure : root.get("figures")) {
            harness.put(suite + ":" + figure.get("subject").asText() + ":" + figure.get("metric").asText(),
                    new Score(figure.get("value").asDouble(), Double.NaN, figure.get("unit").asText(), Double.NaN));
            harness.putIfAbsent(suite + ":" + figure.get("subject").asText() + ":description",
                    new Score(Double.NaN, Double.NaN, figure.get("description").asText(), Double.NaN));
        }
    }

    private void loadRedisBenchmark(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            Matcher m = REDIS_BENCHMARK.matcher(line.trim());
            if (m.matches()) {
                harness.put("redis-benchmark:c" + m.group(1), new Score(Double.parseDouble(m.group(2)), Double.NaN, "ops/s", Double.NaN));
            }
        }
    }

    private static String jmhKey(String benchmark, int threads, Map<String, String> params) {
        return benchmark + "|t" + threads + "|" + params;
    }

    private Score jmh(String benchmark, int threads, Map<String, String> params) {
        return jmh.get(jmhKey(benchmark, threads, params));
    }

    private Score harness(String key) {
        return harness.get(key);
    }

    // ------------------------------------------------------------------ rendering

    private String render(String analysis) {
        line("# zodiac-cache benchmarks");
        line("");
        line("Written by `zodiac-cache-bench/run.sh` (its `Report` class) from one run; do not edit by hand: rerun the script. "
                + "Every figure is a ratio to a peer measured **in the same run, on the same machine**. "
                + "Ratios are zodiac / peer: above 1 means zodiac is faster for throughput, and bigger for bytes and latency. "
                + "JMH figures are mean ± 99.9% confidence half-width; the ratio's range (in brackets) is what those intervals allow.");
        line("");
        machine();
        hitPath();
        cachedPath();
        keys();
        redis();
        nearCache();
        stampede();
        refresh();
        batch();
        faults();
        memory();
        summary();
        if (!analysis.isBlank()) {
            line(analysis.strip());
            line("");
        }
        return md.toString();
    }

    private void machine() {
        line("## Machine and run");
        line("");
        line("| | |");
        line("|---|---|");
        row("CPU", env.getProperty("cpu", "?"));
        row("cores (`nproc`)", env.getProperty("nproc", "?"));
        row("memory", env.getProperty("memory", "?"));
        row("JDK", env.getProperty("jdk", "?"));
        row("OS", env.getProperty("os", "?"));
        row("load average before (1, 5, 15 min)", env.getProperty("loadBefore", "?"));
        row("load average after (1, 5, 15 min)", env.getProperty("loadAfter", "?"));
        row("date (UTC)", env.getProperty("date", "?"));
        row("commit", env.getProperty("commit", "?"));
        Map<String, List<String>> bySettings = new LinkedHashMap<>();
        jmhSettings.forEach((benchmark, settings) -> bySettings.computeIfAbsent("forks " + jmhForks.get(benchmark) + ", " + settings,
                k -> new ArrayList<>()).add(benchmark));
        StringBuilder settings = new StringBuilder();
        bySettings.forEach((text, benchmarks) -> settings.append(settings.length() == 0 ? "" : "; ")
                .append(String.join(", ", benchmarks)).append(": ").append(text));
        row("JMH settings", settings + "; JVM args `" + env.getProperty("jmh.jvmArgs", "") + "`");
        row("command", "`" + env.getProperty("command", "zodiac-cache-bench/run.sh") + "`");
        row("duration", env.getProperty("duration", "?"));
        line("");
        String loadBefore = env.getProperty("loadBefore", "");
        if (!loadBefore.isEmpty() && env.getProperty("nproc") != null) {
            double load = Double.parseDouble(loadBefore.split("[, ]+")[0]);
            if (load > 0.5 * Integer.parseInt(env.getProperty("nproc").trim())) {
                line("> **The machine was busy when this run started** (1-minute load " + loadBefore.split("[, ]+")[0]
                        + " on " + env.getProperty("nproc").trim() + " cores): other processes competed for the CPU, so absolute "
                        + "figures are low and noisy. Ratios are less affected, because each peer ran under the same conditions, "
                        + "but not immune (the peers did not run at the same instant). Rerun `zodiac-cache-bench/run.sh` on an idle "
                        + "machine for figures to quote.");
                line("");
            }
        }
    }

    private void hitPath() {
        line("## In-memory hit path (JMH `HitBenchmark`, ops/s, higher is better)");
        line("");
        line("Shape of Caffeine's `GetPutBenchmark` (read-only): 2^14 precomputed Zipf-distributed String keys over 5,461 items, "
                + "all present, per-thread masked index; every cache bounded to 2^15 entries. B/op: bytes allocated per call "
                + "(`-prof gc`). Entries with a TTL apart: zodiac's cache holding every key with a 1 h TTL against Caffeine's "
                + "own per-entry expiry (`expireAfter`) with the same TTL.");
        line("");
        tableHeader();
        for (int threads : new int[] {1, 2}) {
            Map<String, String> none = Map.of();
            compare("`ZodiacCache.get` (async)", threads + " thr", "HitBenchmark.zodiac_get", "`AsyncCache.getIfPresent`",
                    "HitBenchmark.caffeineAsync_getIfPresent", threads, none, Better.HIGHER, null);
            compare("`blocking().get`", threads + " thr", "HitBenchmark.zodiac_blocking_get", "`Cache.getIfPresent`",
                    "HitBenchmark.caffeine_getIfPresent", threads, none, Better.HIGHER, 0.7);
            compare("`getOrSet` hit (async)", threads + " thr", "HitBenchmark.zodiac_getOrSet", "`AsyncCache.getIfPresent`",
                    "HitBenchmark.caffeineAsync_getIfPresent", threads, none, Better.HIGHER, null);
            compare("`blocking().getOrSet` hit", threads + " thr", "HitBenchmark.zodiac_blocking_getOrSet", "`Cache.getIfPresent`",
                    "HitBenchmark.caffeine_getIfPresent", threads, none, Better.HIGHER, null);
            compare("`blocking().get`, entries with a TTL", threads + " thr", "HitBenchmark.zodiacTtl_blocking_get",
                    "Caffeine `expireAfter`, `getIfPresent`", "HitBenchmark.caffeineTtl_getIfPresent", threads, none, Better.HIGHER, null);
            compare("*(peer vs peer)* Caffeine `expireAfter`", threads + " thr", "HitBenchmark.caffeineTtl_getIfPresent",
                    "`Cache.getIfPresent`", "HitBenchmark.caffeine_getIfPresent", threads, none, Better.HIGHER, null);
        }
        line("");
    }

    private void cachedPath() {
        line("## Cached method hit (JMH `CachedBenchmark`, ops/s, higher is better)");
        line("");
        line("`String find(int id)` on a hit, ids from the same Zipf stream, all cached up front, 1 thread; every cache bounded "
                + "to 2^15 entries. Spring and JetCache run in a real `AnnotationConfigApplicationContext`; the starter row is a "
                + "Spring Boot application with `zodiac-cache-spring-boot-starter`. zodiac's key memo (8,192 argument lists per "
                + "method by default) holds all 5,461 ids; the small-memo row runs with `-Dzodiac.cache.keyMemoSize=1024`.");
        line("");
        tableHeader();
        Map<String, String> none = Map.of();
        compare("`@Cached` via `CachedProxy.of`", "1 thr", "CachedBenchmark.zodiac_cachedProxy", "Spring `@Cacheable` (Caffeine)",
                "CachedBenchmark.spring_cacheable", 1, none, Better.HIGHER, 3.0);
        compare("`@Cached` via `CachedProxy.of`", "1 thr", "CachedBenchmark.zodiac_cachedProxy", "JetCache `@Cached` (local)",
                "CachedBenchmark.jetcache_cached", 1, none, Better.HIGHER, 1.0);
        compare("`@Cached` via `CachedProxy.of`, key memo of 1,024 (fewer than the 5,461 ids)", "1 thr",
                "CachedBenchmark.zodiac_cachedProxy_smallMemo", "Spring `@Cacheable` (Caffeine)", "CachedBenchmark.spring_cacheable",
                1, none, Better.HIGHER, null);
        compare("`@Cached` bean via the Spring Boot starter", "1 thr", "CachedBenchmark.zodiac_starter_cached",
                "Spring `@Cacheable` (Caffeine)", "CachedBenchmark.spring_cacheable", 1, none, Better.HIGHER, 3.0);
        compare("`@Cached` bean via the Spring Boot starter", "1 thr", "CachedBenchmark.zodiac_starter_cached",
                "JetCache `@Cached` (local)", "CachedBenchmark.jetcache_cached", 1, none, Better.HIGHER, 1.0);
        compare("Spring `@Cacheable` via the starter's bridge", "1 thr", "CachedBenchmark.zodiac_starter_cacheable",
                "Spring `@Cacheable` (Caffeine)", "CachedBenchmark.spring_cacheable", 1, none, Better.HIGHER, null);
        compare("*(peer vs peer)* JetCache `@Cached`", "1 thr", "CachedBenchmark.jetcache_cached",
                "Spring `@Cacheable` (Caffeine)", "CachedBenchmark.spring_cacheable", 1, none, Better.HIGHER, null);
        line("");
    }

    private void keys() {
        line("## Key building (JMH `KeyBenchmark`, ops/s, higher is better)");
        line("");
        line("One key per call, plus its `hashCode()` (a lookup needs it), 1 thread, over 1,024 distinct argument arrays. "
                + "`(int, String, long)` and a 5-element `List` (`Integer, String, Long, Double, Boolean`). zodiac's key remembers "
                + "the keys of argument lists of scalars: the 1,024 `(int, String, long)` arrays are all remembered, a list never "
                + "is. *Computed* rows run with the memo off (`-Dzodiac.cache.keyMemoSize=0`): SHA-256 on every call.");
        line("");
        tableHeader();
        for (String shape : new String[] {"intStringLong", "list5"}) {
            Map<String, String> params = Map.of("shape", shape);
            String what = shape.equals("list5") ? "5-element list" : "(int, String, long)";
            compare("`DefaultKeyBuilder.build`", what, "KeyBenchmark.zodiac_defaultKeyBuilder", "Spring `SimpleKeyGenerator`",
                    "KeyBenchmark.spring_simpleKeyGenerator", 1, params, Better.HIGHER, null);
            compare("compiled `CanonicalKey` (what `@Cached` uses)", what, "KeyBenchmark.zodiac_compiledKey",
                    "Spring `SimpleKeyGenerator`", "KeyBenchmark.spring_simpleKeyGenerator", 1, params, Better.HIGHER, null);
            compare("compiled `CanonicalKey`", what, "KeyBenchmark.zodiac_compiledKey", "JetCache fastjson2 key",
                    "KeyBenchmark.jetcache_fastjson2Key", 1, params, Better.HIGHER, null);
            compare("compiled `CanonicalKey`, computed", what, "KeyBenchmark.zodiac_compiledKey_computed",
                    "Spring `SimpleKeyGenerator`", "KeyBenchmark.spring_simpleKeyGenerator", 1, params, Better.HIGHER, null);
            compare("compiled `CanonicalKey`, computed", what, "KeyBenchmark.zodiac_compiledKey_computed",
                    "JetCache fastjson2 key", "KeyBenchmark.jetcache_fastjson2Key", 1, params, Better.HIGHER,
                    shape.equals("intStringLong") ? 1.0 : null);
            compare("compiled `CanonicalKey`, computed", what, "KeyBenchmark.zodiac_compiledKey_computed",
                    "JetCache remote key (name + fastjson2, bytes)", "KeyBenchmark.jetcache_remoteKey", 1, params,
                    Better.HIGHER, null);
            if (shape.equals("intStringLong")) {
                compare("*(floor)* SHA-256 of the 45-byte input alone", what, "KeyBenchmark.jdk_sha256",
                        "JetCache fastjson2 key", "KeyBenchmark.jetcache_fastjson2Key", 1, params, Better.HIGHER, null);
                compare("*(floor)* SHA-256 + `hashCode` of the 44-char key", what, "KeyBenchmark.jdk_sha256_keyHash",
                        "JetCache fastjson2 key", "KeyBenchmark.jetcache_fastjson2Key", 1, params, Better.HIGHER, null);
                compare("*(floor)* SHA-256 + 32 hex digits + String + `hashCode`: the key format, no arguments encoded", what,
                        "KeyBenchmark.jdk_sha256_keyString", "JetCache fastjson2 key", "KeyBenchmark.jetcache_fastjson2Key", 1,
                        params, Better.HIGHER, null);
            }
        }
        line("");
    }

    private void redis() {
        line("## Redis hit (JMH `RedisBenchmark`, ops/s, higher is better)");
        line("");
        line("A real `redis-server` started by the test kit on a loopback port. One JMH thread keeps N requests in flight "
                + "(semaphore); 2^14 distinct keys of 100 bytes read in sequence, so in-flight requests never share a key and "
                + "every request is one `GET` on both sides. Peer: raw Lettuce `async().get` (String/byte[] codec) on its own "
                + "connection. `redis-benchmark` (its own N connections, C client, `-t get -q`) is the server's limit on this "
                + "machine; it is not a like-for-like peer (N connections vs one), only a ceiling. B/op counts every thread's "
                + "allocation (Lettuce's I/O thread included) per request. The forks run one at a time, zodiac's and Lettuce's "
                + "in turn and in rotating order, so that a slow stretch of the machine does not fall on one side only; "
                + "each figure pools its forks.");
        line("");
        tableHeader();
        for (String inFlight : new String[] {"1", "16", "64"}) {
            Map<String, String> params = Map.of("inFlight", inFlight);
            compare("`getOrSet` hit", inFlight + " in flight", "RedisBenchmark.zodiac_getOrSet", "Lettuce `async().get`",
                    "RedisBenchmark.lettuce_get", 1, params, Better.HIGHER, 0.9);
            compare("`get`", inFlight + " in flight", "RedisBenchmark.zodiac_get", "Lettuce `async().get`",
                    "RedisBenchmark.lettuce_get", 1, params, Better.HIGHER, null);
            Score server = harness("redis-benchmark:c" + inFlight);
            Score lettuce = jmh("RedisBenchmark.lettuce_get", 1, params);
            Score zodiac = jmh("RedisBenchmark.zodiac_getOrSet", 1, params);
            if (server != null) {
                compareScores("`getOrSet` hit", inFlight + " in flight", zodiac, "`redis-benchmark -c " + inFlight + "` (ceiling)", server,
                        Better.HIGHER, null);
                compareScores("*(peer vs ceiling)* Lettuce", inFlight + " in flight", lettuce,
                        "`redis-benchmark -c " + inFlight + "` (ceiling)", server, Better.HIGHER, null);
            } else {
                absent.add("redis-benchmark -c " + inFlight + " (not installed, or not run)");
            }
        }
        line("");
    }

    private void stampede() {
        line("## Stampede on a cold key, one JVM (harness `StampedeHarness`, lower is better)");
        line("");
        line("Not JMH: a harness. " + harnessContext.getOrDefault("stampede.callers", "?") + " threads in one JVM, parked on a gate, "
                + "call the cached method with a key nobody has read; the method sleeps "
                + harnessContext.getOrDefault("stampede.loadMillis", "?") + " ms and counts its runs. "
                + harnessContext.getOrDefault("stampede.rounds", "?") + " measured rounds (a new key each) after 5 warm-up rounds. "
                + "Latency: from the gate's release to each caller's return, percentiles over every caller of every round "
                + "(the ideal is the load time). Producer runs: per round (the ideal is 1; target: no more than the peer). "
                + "Ratios: zodiac / peer.");
        line("");
        stampedeTable("stampede", new String[] {"zodiac", "zodiacCached", "spring", "jetcache"}, new String[][] {{"zodiac", "spring"},
                {"zodiac", "jetcache"}, {"zodiacCached", "spring"}, {"zodiacCached", "jetcache"}});
        subjects("stampede", "zodiac", "zodiacCached", "spring", "jetcache");

        line("## Stampede on a cold key, " + harnessContext.getOrDefault("redisStampede.jvms", "?")
                + " JVMs on one Redis (harness `RedisStampedeHarness`, lower is better)");
        line("");
        line("Not JMH: a harness. " + harnessContext.getOrDefault("redisStampede.jvms", "?") + " child JVMs with "
                + harnessContext.getOrDefault("redisStampede.callersPerJvm", "?") + " threads each call the cached method with the "
                + "same new key at once (the parent opens every JVM's gate back to back over stdin); the method sleeps "
                + harnessContext.getOrDefault("redisStampede.loadMillis", "?") + " ms. "
                + harnessContext.getOrDefault("redisStampede.rounds", "?") + " measured rounds after 3 warm-up rounds, on a "
                + "`redis-server` started by the test kit. Producer runs are summed over the JVMs; latency is from each JVM's gate.");
        line("");
        stampedeTable("redisStampede", new String[] {"zodiac", "spring", "springLocking"},
                new String[][] {{"zodiac", "spring"}, {"zodiac", "springLocking"}});
        subjects("redisStampede", "zodiac", "spring", "springLocking");
    }

    /**
     * Refresh-ahead on a hot key ({@code RefreshHarness}): per backend, the hit baseline, the key
     * expiring without refresh, and with refresh-ahead; target: refresh-ahead's p99 at the baseline's
     * (within 1.5x or 1 ms of it) and 1 producer run per refresh period across the JVMs.
     */
    private void refresh() {
        double intervalMillis = Double.parseDouble(context("refresh.intervalMicros").replace("?", "NaN")) / 1000;
        line("## A hot key across TTL expiries, with and without refresh-ahead (harness `RefreshHarness`, lower is better)");
        line("");
        line("Not JMH: a harness. Four kinds of values, each on its own hot key, run **at the same time** from the same JVMs, so "
                + "that the machine's other load falls on all of them alike. Three runs: on a `redis-server` of the test kit from "
                + "one JVM with " + context("refresh.callersPerJvm") + " threads per kind (the latency run); on the same server from "
                + context("refresh.jvms") + " JVMs with 1 thread per kind each (the run that counts producer runs across JVMs; its "
                + "JVMs cost CPU of their own, so its latency is shown but not held to the target); on the in-memory backend from "
                + "one JVM with " + context("refresh.callersPerJvm") + " threads per kind. Each thread calls `blocking().getOrSet` at a "
                + "fixed rate, one call every " + fmtMillis(intervalMillis) + ", for " + context("refresh.durationMillis")
                + " ms; the producer sleeps "
                + context("refresh.loadMillis") + " ms. **Hit**: values live an hour (never expire during the run), the baseline; "
                + "with `refreshAfter` never due, the same through refresh-ahead's read (on Redis `GET` and `PTTL`). "
                + "**No refresh**: values live " + context("refresh.ttlMillis") + " ms, so the key expires several times. "
                + "**Refresh-ahead**: the same TTL, `refreshAfter` " + context("refresh.refreshAfterMillis") + " ms. "
                + "The rate is low so that on an idle machine the CPU is far from saturated and the latency is the cache's, not the "
                + "run queue's (the CPU column: the children's and the server's CPU time over the run's wall time, in cores, all "
                + "four kinds together). "
                + "Latency is measured from each "
                + "call's intended start on the fixed-rate schedule (no coordinated omission: calls a caller could not send while "
                + "held up by a producer count as late by as much), over every call of every JVM; it includes how late the caller's "
                + "timer wakes, the same in every row. Producer runs per period: runs less than half a period apart (the TTL without "
                + "refresh, `refreshAfter` with it) are one period. Targets with refresh-ahead: in the latency runs, p99 "
                + "at the hit baseline's (at most 1.5x it, or 1 ms above it); 1 producer run per period (across the JVMs). The load "
                + "column: the 1-minute load average when the run started (" + env.getProperty("nproc", "?").trim() + " cores; above that, "
                + "processes waited for a core); load average (1, 5, 15 min) before the harness: "
                + context("refresh.loadAverageBefore") + ", after: " + context("refresh.loadAverageAfter") + ".");
        line("");
        line("| backend | values | calls | p50 | p99 | p99.9 | max | p99 / hit p99 | producer runs | periods | runs / period (mean, max) "
                + "| CPU (cores) | load |");
        line("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<String> behind = new ArrayList<>();
        double maxLoad = 0;
        String[][] systems = {{"hit", "hit (no expiry)"}, {"hitRefreshPath", "hit, `refreshAfter` never due"},
                {"noRefresh", "no refresh"}, {"refresh", "refresh-ahead"}};
        for (String backend : new String[] {"redis", "redisJvms", "memory"}) {
            String backendName = backend.equals("redisJvms") ? "redis" : backend;
            boolean latencyRun = !backend.equals("redisJvms");
            Score hitP99 = harness("refresh:" + backend + "-hit:latencyP99");
            for (String[] system : systems) {
                String subject = "refresh:" + backend + "-" + system[0] + ":";
                if (harness(subject + "calls") == null) {
                    absent.add("refresh " + backendName + " " + system[1]);
                    continue;
                }
                double p99 = value(subject + "latencyP99");
                String p99Text = fmtMillis(p99);
                String ratioText = "";
                if (!system[0].equals("hit") && hitP99 != null) {
                    ratioText = ratio(p99 / hitP99.value());
                }
                boolean expires = system[0].equals("noRefresh") || system[0].equals("refresh");
                String runsText = "–";
                if (expires) {
                    runsText = fmt(value(subject + "producerRunsPerPeriod")) + ", " + fmt(value(subject + "producerRunsMaxPeriod"));
                }
                if (system[0].equals("refresh")) {
                    if (hitP99 != null && latencyRun) {
                        boolean met = p99 <= Math.max(1.5 * hitP99.value(), hitP99.value() + 1);
                        if (!met) {
                            missed.add("refresh-ahead on " + backendName + ": latency p99 " + fmtMillis(p99) + " = "
                                    + ratio(p99 / hitP99.value()) + " the hit p99 " + fmtMillis(hitP99.value())
                                    + " (target ≤ 1.50x or + 1 ms)");
                        }
                        ratioText = target(met, ratioText);
                        p99Text = target(met, p99Text);
                    }
                    double maxRuns = value(subject + "producerRunsMaxPeriod");
                    boolean met = maxRuns <= 1;
                    if (!met) {
                        missed.add("refresh-ahead on " + backendName + " from " + count(value(subject + "jvms"))
                                + " JVM(s): producer runs per period, max " + fmt(maxRuns) + " (target 1)");
                    }
                    runsText = target(met, runsText);
                }
                double jvms = value(subject + "jvms");
                line("| " + backendName + " (" + count(jvms) + " JVM" + (jvms == 1 ? "" : "s") + ") | "
                        + system[1] + " | " + count(value(subject + "calls")) + " | " + fmtMillis(value(subject + "latencyP50")) + " | "
                        + p99Text + " | " + fmtMillis(value(subject + "latencyP999")) + " | " + fmtMillis(value(subject + "latencyMax"))
                        + " | " + ratioText + " | " + count(value(subject + "producerRuns")) + " | "
                        + (expires ? count(value(subject + "periods")) : "–") + " | " + runsText + " | "
                        + fmt(value(subject + "cpuCores")) + " | " + fmt(value(subject + "loadAverage")) + " |");
                if (value(subject + "latencyP50") > intervalMillis / 2) {
                    behind.add(backendName + " from " + count(value(subject + "jvms")) + " JVM(s), " + system[1]);
                }
                maxLoad = Math.max(maxLoad, value(subject + "loadAverage"));
            }
        }
        line("");
        String cores = env.getProperty("nproc", "").trim();
        if (!cores.isEmpty() && maxLoad > Integer.parseInt(cores)) {
            line("> **The machine was busy during this harness** (1-minute load up to " + fmt(maxLoad) + " on " + cores + " cores): "
                    + "the latencies include waits for a core, which come and go and so fall on the rows unevenly; the tail "
                    + "percentiles are the run queue's more than the cache's. Rerun `REFRESH_ONLY=1 zodiac-cache-bench/run.sh` on an "
                    + "idle machine for figures to quote.");
            line("");
        }
        if (!behind.isEmpty()) {
            line("> **The callers fell behind their schedule** (median latency from the intended start above half the interval "
                    + "between calls) in: " + String.join(", ", behind) + ". The machine was too busy to run the calls on time: "
                    + "those latencies are the backlog's, not the cache's.");
            line("");
        }
        subjects("refresh", "redis-hit", "redis-hitRefreshPath", "redis-noRefresh", "redis-refresh", "redisJvms-refresh",
                "memory-hit", "memory-hitRefreshPath", "memory-noRefresh", "memory-refresh");
    }

    /** A harness' setting, "?" when the run did not record it. */
    private String context(String key) {
        return String.valueOf(harnessContext.getOrDefault(key, "?"));
    }

    /** A count, with thousands separators. */
    private static String count(double value) {
        return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%,d", Math.round(value));
    }

    /** {@code millis} as milliseconds, in microseconds below 1 ms. */
    private static String fmtMillis(double millis) {
        if (millis < 1) {
            return String.format(Locale.ROOT, "%.0f µs", millis * 1000);
        }
        return fmt(millis) + " ms";
    }

    /** {@code getOrSetAll} ({@code BatchBenchmark}). */
    private void batch() {
        line("## `getOrSetAll` of " + BatchBenchmark.BATCH + " keys on Redis, all hits (JMH `BatchBenchmark`, higher is better)");
        line("");
        line("Batches per second, one batch at a time: `getOrSetAll` (one `MGET`) against " + BatchBenchmark.BATCH
                + " concurrent `getOrSet` calls (one `GET` each, pipelined) and against raw Lettuce `mget` of the same keys.");
        line("");
        tableHeader();
        compare("`getOrSetAll`", BatchBenchmark.BATCH + " keys", "BatchBenchmark.zodiac_getOrSetAll",
                BatchBenchmark.BATCH + " x `getOrSet`", "BatchBenchmark.zodiac_getOrSet_x100", 1, Map.of(), Better.HIGHER, null);
        compare("`getOrSetAll`", BatchBenchmark.BATCH + " keys", "BatchBenchmark.zodiac_getOrSetAll",
                "Lettuce `mget`", "BatchBenchmark.lettuce_mget", 1, Map.of(), Better.HIGHER, null);
        line("");
    }

    private void faults() {
        line("## Faults: callers while the server fails (harness `FaultHarness`)");
        line("");
        line("Not JMH: a harness. " + harnessContext.getOrDefault("faults.callers", "?") + " threads call `blocking().getOrSet` on "
                + harnessContext.getOrDefault("faults.keys", "?") + " keys (1 s TTL, a " + harnessContext.getOrDefault("faults.producerMillis", "?")
                + " ms producer), pausing " + harnessContext.getOrDefault("faults.pauseBetweenCallsMillis", "?") + " ms between calls, "
                + "against a server started by the test kit, which is then paused (`SIGSTOP`) or killed (`SIGKILL`) and restarted on its port. "
                + "Operation timeout " + harnessContext.getOrDefault("faults.operationTimeoutMillis", "?") + " ms, default circuit breaker. "
                + "Failed: an exception reached the caller. Over the timeout: a call slower than "
                + harnessContext.getOrDefault("faults.overTimeoutMillis", "?") + " ms (the timeout, the producer, 250 ms of scheduling). "
                + "Recovery: from the server's return to the first direct `get` that succeeds. "
                + "Targets: 0 failed, 0 over the timeout, recovery within 2 s.");
        line("");
        line("| backend, fault | calls | failed | over the timeout | producer runs | slowest call | recovery |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (String backend : List.of("redis", "memcached")) {
            for (String fault : List.of("PAUSE_3S", "PAUSE_8S", "KILL_RESTART")) {
                String subject = "faults:" + backend + "-" + fault + ":";
                Score description = harness(subject + "description");
                if (description == null) {
                    absent.add("faults " + backend + " " + fault);
                    continue;
                }
                Score failed = harness(subject + "failed");
                Score over = harness(subject + "overTimeout");
                Score recovery = harness(subject + "recoveryMillis");
                String name = description.unit();
                if (failed.value() > 0) {
                    missed.add(name + ": " + fmt(failed.value()) + " calls failed (target 0)");
                }
                if (over.value() > 0) {
                    missed.add(name + ": " + fmt(over.value()) + " calls over the timeout (target 0)");
                }
                if (recovery.value() < 0 || recovery.value() > 2000) {
                    missed.add(name + ": recovery " + (recovery.value() < 0 ? "never" : fmt(recovery.value()) + " ms") + " (target ≤ 2 s)");
                }
                line("| " + name + " | " + fmt(harness(subject + "calls").value()) + " | " + target(failed.value() == 0, fmt(failed.value()))
                        + " | " + target(over.value() == 0, fmt(over.value())) + " | " + fmt(harness(subject + "producerRuns").value())
                        + " | " + fmt(harness(subject + "latencyMax").value()) + " ms | "
                        + target(recovery.value() >= 0 && recovery.value() <= 2000,
                                recovery.value() < 0 ? "never" : fmt(recovery.value()) + " ms") + " |");
            }
        }
        line("");
    }

    /**
     * Writes the "Faults" section alone into {@code file}, in place of the one there (or before the
     * memory section), saying which run it comes from: the fault harness runs on its own in minutes,
     * the whole set in twenty.
     */
    private void faultsAlone(Path file) throws IOException {
        faults();
        Files.writeString(file, splice(Files.readString(file), "FAULTS_ONLY=1", "## Faults", "## Memory per entry"));
        System.out.println("wrote the Faults section of " + file);
    }

    /**
     * Writes the refresh-ahead section alone into {@code file}, in place of the one there (or before
     * the {@code getOrSetAll} section), and replaces the refresh-ahead lines of the "Targets missed"
     * list with this run's: the harness runs on its own in minutes.
     */
    private void refreshAlone(Path file) throws IOException {
        refresh();
        String text = splice(Files.readString(file), "REFRESH_ONLY=1", "## A hot key across TTL expiries", "## `getOrSetAll`");
        Files.writeString(file, replaceMissed(text, "- refresh-ahead"));
        System.out.println("wrote the refresh-ahead section of " + file);
    }

    /**
     * Writes the key-building section alone into {@code file}, in place of the one there (or before
     * the Redis section), and replaces its lines of the "Targets missed" list with this run's.
     */
    private void keysAlone(Path file) throws IOException {
        keys();
        String text = splice(Files.readString(file), "KEYS_ONLY=1", "## Key building", "## Redis hit");
        Files.writeString(file, replaceMissed(text, "- compiled `CanonicalKey`"));
        System.out.println("wrote the key-building section of " + file);
    }

    /** {@code text} with the lines of the "Targets missed" list that start with {@code ours} replaced by this run's misses. */
    private String replaceMissed(String text, String ours) {
        int summary = text.indexOf("## Targets missed in this run");
        if (summary < 0) {
            return text;
        }
        int summaryEnd = text.indexOf("\n## ", summary) + 1;
        List<String> lines = new ArrayList<>(List.of(text.substring(summary, summaryEnd).split("\n", -1)));
        // the list starts on the list's third line (after the heading and a blank line): "None." or "- ..." lines
        lines.removeIf(line -> line.startsWith(ours) || line.equals("None."));
        List<String> items = missed.stream().map(miss -> "- " + miss).toList();
        boolean others = lines.size() > 2 && lines.get(2).startsWith("- ");
        lines.addAll(2, items.isEmpty() && !others ? List.of("None.") : items);
        return text.substring(0, summary) + String.join("\n", lines) + text.substring(summaryEnd);
    }

    /** The near cache's hit ({@code NearCacheBenchmark}) and invalidation lag ({@code NearCacheHarness}). */
    private void nearCache() {
        line("## Near cache (JMH `NearCacheBenchmark`, ops/s, higher is better; harness `NearCacheHarness`)");
        line("");
        line("A Redis cache with `nearCache(NearCache.maximumSize(2^15))`, every key of the `HitBenchmark` Zipf stream "
                + "(5,461 items, 100-byte values, `bytes` serializer) held locally, read with `blocking().get` on 1 thread, "
                + "on a `redis-server` started by the test kit on a loopback port. Peers, same keys, same run: Caffeine "
                + "`Cache.getIfPresent` of the same arrays (what the local copy is built on), the same Redis cache without a "
                + "near cache (a round trip per read), raw Lettuce `sync().get` on its own connection, Redisson 3.52's `RLocalCachedMap` holding the same "
                + "keys and values (its local copy of a Redis hash, kept by Redisson's own invalidation messages). The near-cache rows make "
                + "no round trip: the server's `GET` count (`INFO commandstats`) must not move during their iterations.");
        line("");
        tableHeader();
        Map<String, String> none = Map.of();
        compare("near-cache hit, `blocking().get`", "1 thr", "NearCacheBenchmark.near_blocking_get", "Caffeine `Cache.getIfPresent`",
                "NearCacheBenchmark.caffeine_getIfPresent", 1, none, Better.HIGHER, 0.5);
        compare("near-cache hit, `blocking().getOrSet`", "1 thr", "NearCacheBenchmark.near_blocking_getOrSet",
                "Caffeine `Cache.getIfPresent`", "NearCacheBenchmark.caffeine_getIfPresent", 1, none, Better.HIGHER, null);
        compare("near-cache hit, `blocking().get`", "1 thr", "NearCacheBenchmark.near_blocking_get",
                "zodiac Redis `blocking().get`, no near cache", "NearCacheBenchmark.redis_blocking_get", 1, none, Better.HIGHER, null);
        compare("near-cache hit, `blocking().getOrSet`", "1 thr", "NearCacheBenchmark.near_blocking_getOrSet",
                "zodiac Redis `blocking().getOrSet` hit, no near cache", "NearCacheBenchmark.redis_blocking_getOrSet", 1, none,
                Better.HIGHER, null);
        compare("near-cache hit, `blocking().get`", "1 thr", "NearCacheBenchmark.near_blocking_get", "Lettuce `sync().get`",
                "NearCacheBenchmark.lettuce_sync_get", 1, none, Better.HIGHER, null);
        compare("near-cache hit, `blocking().get`", "1 thr", "NearCacheBenchmark.near_blocking_get",
                "Redisson `RLocalCachedMap.get` (local hit)", "NearCacheBenchmark.redisson_localCachedMap_get", 1, none,
                Better.HIGHER, null);
        compare("*(context)* zodiac in-memory `blocking().get`", "1 thr", "NearCacheBenchmark.memory_blocking_get",
                "Caffeine `Cache.getIfPresent`", "NearCacheBenchmark.caffeine_getIfPresent", 1, none, Better.HIGHER, null);
        compare("*(without near cache)* `blocking().get`", "1 thr", "NearCacheBenchmark.redis_blocking_get", "Lettuce `sync().get`",
                "NearCacheBenchmark.lettuce_sync_get", 1, none, Better.HIGHER, null);
        line("");
        line("**Invalidation lag.** Not JMH: this JVM reads a key through the near cache (the local copy installed, and a "
                + "second read served locally), then a child JVM `set`s it through a plain zodiac cache of the same namespace "
                + "and times its write (`System.nanoTime()`, one monotonic clock for every process of the machine); a plugin "
                + "here timestamps the `NEAR_INVALIDATION` event, fired once the local copy is dropped. "
                + harnessContext.getOrDefault("near.writes", "?") + " writes over " + harnessContext.getOrDefault("near.keys", "?")
                + " keys after " + harnessContext.getOrDefault("near.warmUpWrites", "?") + " warm-up writes, one at a time. "
                + "From the ack: from the writer's call returning (negative: the invalidation arrived before the writer "
                + "saw its reply). After each event a read must return the new value (stale reads). Target: p99 from the "
                + "ack under 5 ms on loopback.");
        line("");
        String subject = "near:invalidation:";
        if (harness(subject + "description") == null) {
            absent.add("near-cache invalidation lag (NearCacheHarness)");
        } else {
            double p99 = value(subject + "lagFromAckP99");
            boolean met = p99 < 5;
            if (!met) {
                missed.add("near-cache invalidation lag p99 " + fmt(p99) + " ms (target < 5 ms)");
            }
            line("| measurement | p50 | p99 | max |");
            line("|---|---:|---:|---:|");
            line("| lag from the writer's ack | " + lagMillis(value(subject + "lagFromAckP50")) + " | "
                    + target(met, lagMillis(p99)) + " | " + lagMillis(value(subject + "lagFromAckMax")) + " |");
            line("| lag from the write's start | " + lagMillis(value(subject + "lagFromSendP50")) + " | "
                    + lagMillis(value(subject + "lagFromSendP99")) + " | " + lagMillis(value(subject + "lagFromSendMax")) + " |");
            line("");
            line(String.format(Locale.ROOT, "Writes measured: %,d; invalidations not seen within 2 s: %,d; reads not served "
                    + "locally before the write: %,d; stale reads after the invalidation: %,d.", (long) value(subject + "measured"),
                    (long) value(subject + "lost"), (long) value(subject + "notLocal"), (long) value(subject + "staleReads")));
            line("");
        }
        trackingModes();
    }

    /** The near cache's {@code CLIENT TRACKING} mode, default against {@code BCAST PREFIX} ({@code TrackingModeHarness}). */
    private void trackingModes() {
        line("**Tracking mode.** The near cache turns `CLIENT TRACKING` on in its default mode: the server remembers which keys "
                + "each connection read and sends it the invalidations of those only; with `BCAST PREFIX` it remembers only the "
                + "prefix and sends every write under it to every tracking connection. Harness `TrackingModeHarness`, raw Lettuce "
                + "(RESP3 pushes), one `redis-server` " + context("tracking.redisVersion") + " from the test kit: a namespace of "
                + count(number("tracking.keys")) + " keys (`" + context("tracking.prefix") + "k<i>`, " + context("tracking.valueBytes")
                + "-byte values); " + context("tracking.readers") + " reader connections with tracking on, each holding a hot set of "
                + context("tracking.hotKeys") + " random keys, read once and read again after each invalidation of one of them (as a "
                + "near cache re-installs its copy); one writer connection without tracking `SET`s keys chosen uniformly among all, "
                + "one at a time, " + count(number("tracking.writes")) + " measured writes after " + count(number("tracking.warmUpWrites"))
                + " warm-up writes per mode and round, " + context("tracking.rounds") + (context("tracking.rounds").equals("1") ? " round" : " rounds")
                + " (the modes' order alternating from round to round); the "
                + "server flushed and the namespace written again before each run. Lag: from the writer's call returning to the "
                + "push's arrival at the reader holding the key (one JVM, `System.nanoTime()`; negative: the push arrived first). "
                + "Writer throughput: against the same writes with no reader connected, just before (median of the rounds). The "
                + "readers run in the writer's JVM on the same cores as the server, so the lag and throughput rows include the cost "
                + "of handling the pushes, as a near cache would in the application's process.");
        line("");
        String d = "tracking:default:";
        String b = "tracking:bcast:";
        if (harness(d + "description") == null || harness(b + "description") == null) {
            absent.add("near-cache tracking modes (TrackingModeHarness)");
            line("The tracking modes were not measured in this run.");
            line("");
            return;
        }
        line("| measurement | default `CLIENT TRACKING ON` | `CLIENT TRACKING ON BCAST PREFIX " + context("tracking.prefix") + "` |");
        line("|---|---:|---:|");
        trackingFigure("invalidated keys per reader per 1,000 writes, all", "invalidationsPerReaderPer1000Writes", Report::fmt);
        trackingFigure("… of them for keys the reader held", "heldInvalidationsPerReaderPer1000Writes", Report::fmt);
        trackingFigure("push messages per reader per 1,000 writes", "messagesPerReaderPer1000Writes", Report::fmt);
        trackingFigure("hot-key invalidation lag from the writer's ack, p50", "lagFromAckP50", Report::micros);
        trackingFigure("… p99", "lagFromAckP99", Report::micros);
        trackingFigure("… max", "lagFromAckMax", Report::micros);
        trackingRow("hot-key writes timed / not invalidated before the key's next write",
                mode -> count(value("tracking:" + mode + ":lagMeasured")) + " / " + count(value("tracking:" + mode + ":lagMissed")));
        trackingRow("writer throughput / writer alone (median; rounds' range)",
                mode -> ratio(value("tracking:" + mode + ":throughputRatio")) + " (" + ratio(value("tracking:" + mode + ":throughputRatioMin"))
                        + "–" + ratio(value("tracking:" + mode + ":throughputRatioMax")) + ")");
        trackingRow("writer throughput, writes/s (alone)",
                mode -> count(value("tracking:" + mode + ":writesPerSecond")) + " (" + count(value("tracking:" + mode + ":baselineWritesPerSecond"))
                        + ")");
        trackingRow("server tracking table at the end: keys / items / prefixes",
                mode -> count(value("tracking:" + mode + ":trackingTotalKeys")) + " / " + count(value("tracking:" + mode + ":trackingTotalItems"))
                        + " / " + count(value("tracking:" + mode + ":trackingTotalPrefixes")));
        trackingRow("server `used_memory` growth with the readers (median)",
                mode -> String.format(Locale.ROOT, "%+,.0f KiB", value("tracking:" + mode + ":usedMemoryGrowth") / 1024));
        line("");
        line(trackingChoice());
        line("");
    }

    /** A row of the tracking-mode table: {@code cell} of each mode ({@code "default"}, {@code "bcast"}). */
    private void trackingRow(String name, Function<String, String> cell) {
        line("| " + name + " | " + cell.apply("default") + " | " + cell.apply("bcast") + " |");
    }

    /** A row of the tracking-mode table whose cells are the figure of {@code metric}, written by {@code format}. */
    private void trackingFigure(String name, String metric, DoubleFunction<String> format) {
        trackingRow(name, mode -> format.apply(value("tracking:" + mode + ":" + metric)));
    }

    /**
     * The mode the figures favour: default when it sends each reader only its own keys (at least 99% of
     * what it receives is for keys it holds) and fewer than {@code BCAST}, at a similar lag (its p50 and p99
     * each within 1.5x or 0.5 ms of {@code BCAST}'s); else {@code BCAST}, saying which condition failed.
     */
    private String trackingChoice() {
        double allDefault = value("tracking:default:invalidationsPerReaderPer1000Writes");
        double heldDefault = value("tracking:default:heldInvalidationsPerReaderPer1000Writes");
        double allBcast = value("tracking:bcast:invalidationsPerReaderPer1000Writes");
        double heldBcast = value("tracking:bcast:heldInvalidationsPerReaderPer1000Writes");
        double p99Default = value("tracking:default:lagFromAckP99");
        double p99Bcast = value("tracking:bcast:lagFromAckP99");
        double p50Default = value("tracking:default:lagFromAckP50");
        double p50Bcast = value("tracking:bcast:lagFromAckP50");
        boolean ownKeys = heldDefault >= 0.99 * allDefault && allDefault < allBcast;
        boolean similarLag = p50Default <= Math.max(1.5 * p50Bcast, p50Bcast + 500) && p99Default <= Math.max(1.5 * p99Bcast, p99Bcast + 500);
        String traffic = "it sent each reader " + fmt(allDefault) + " invalidated keys per 1,000 writes, " + fmt(heldDefault)
                + " of them for keys the reader held, where `BCAST` sent " + fmt(allBcast) + " (" + fmt(heldBcast) + " for held keys, "
                + ratio(allBcast / allDefault) + " the traffic)";
        String lag = "hot-key lag (p50 / p99) " + micros(p50Default) + " / " + micros(p99Default) + " against " + micros(p50Bcast) + " / "
                + micros(p99Bcast) + " under `BCAST`";
        String writer = "the writer at " + ratio(value("tracking:default:throughputRatio")) + " its speed alone (`BCAST`: "
                + ratio(value("tracking:bcast:throughputRatio")) + ")";
        String server = "no tracking table (default: " + count(value("tracking:default:trackingTotalKeys")) + " keys), `used_memory` "
                + String.format(Locale.ROOT, "%+,.0f KiB against %+,.0f KiB", value("tracking:bcast:usedMemoryGrowth") / 1024,
                        value("tracking:default:usedMemoryGrowth") / 1024);
        if (ownKeys && similarLag) {
            return "**Choice: the default mode** (the near cache's mode): " + traffic + ", at a "
                    + (p50Default <= p50Bcast && p99Default <= p99Bcast ? "lower " + lag : "similar " + lag + " (each within 1.5x or 0.5 ms)")
                    + ", with " + writer
                    + "; `BCAST` saves only server memory: " + server + ".";
        }
        String why = !ownKeys ? "the default mode did not send each reader only its own keys"
                : "the default mode's lag was not similar: its p50 or p99 beyond 1.5x and 0.5 ms of `BCAST`'s";
        return "**The figures favour `BCAST`** (" + why + "): in default mode " + traffic + "; " + lag + "; " + writer + "; under `BCAST` "
                + server + ". The near cache still uses the default mode.";
    }

    /** {@code micros} microseconds, to the microsecond. */
    private static String micros(double micros) {
        return Double.isNaN(micros) ? "?" : String.format(Locale.ROOT, "%,.0f µs", micros);
    }

    /** A harness setting as a number, NaN when the run did not record it. */
    private double number(String key) {
        try {
            return Double.parseDouble(context(key));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A lag in milliseconds, to the microsecond. */
    private static String lagMillis(double millis) {
        return String.format(Locale.ROOT, "%.3f ms", millis);
    }

    /** Writes the "Near cache" section alone into {@code file}, in place of the one there (or before the first stampede section). */
    private void nearCacheAlone(Path file) throws IOException {
        nearCache();
        Files.writeString(file, splice(Files.readString(file), "NEAR_ONLY=1", "## Near cache", "## Stampede on a cold key"));
        System.out.println("wrote the Near cache section of " + file);
    }

    /**
     * {@code text} with the section this report has rendered in place of the one that starts with
     * {@code heading} (or, when there is none, before {@code before}), saying which run it comes from:
     * a harness run on its own ({@code switchName}) rather than with the whole set.
     */
    private String splice(String text, String switchName, String heading, String before) {
        String load = env.getProperty("loadBefore");
        String section = md.toString().replaceFirst("\n\n", "\n\nMeasured on its own (`" + switchName
                + " zodiac-cache-bench/run.sh`), commit " + env.getProperty("commit", "?") + ", " + env.getProperty("date", "?")
                + " UTC" + (load == null ? "" : ", load " + load) + ", on the machine above; "
                + (missed.isEmpty() ? "every target met." : "targets missed: " + String.join("; ", missed) + ".") + "\n\n");
        int start = text.indexOf(heading);
        int end;
        if (start < 0) {
            start = text.indexOf(before);
            end = start;
        } else {
            end = text.indexOf("\n## ", start) + 1;
        }
        return text.substring(0, start) + section + text.substring(end);
    }

    /** {@code text}, in bold with "missed" when the target is not met. */
    private static String target(boolean met, String text) {
        return met ? text : "**" + text + " (missed)**";
    }

    /** One row per metric, one column per subject, then the ratio of each pair; target: no more producer runs than the peer. */
    private void stampedeTable(String suite, String[] subjects, String[][] pairs) {
        StringBuilder header = new StringBuilder("| measurement |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String subject : subjects) {
            header.append(' ').append(subjectName(subject)).append(" |");
            rule.append("---:|");
        }
        for (String[] pair : pairs) {
            header.append(' ').append(shortName(pair[0])).append(" / ").append(shortName(pair[1])).append(" |");
            rule.append("---:|");
        }
        line(header.toString());
        line(rule.toString());
        String[][] metrics = {{"producerRunsPerRound", "producer runs / round (mean)"}, {"producerRunsMaxRound", "producer runs / round (max)"},
                {"latencyP50", "latency p50"}, {"latencyP90", "latency p90"}, {"latencyP99", "latency p99"}, {"latencyMax", "latency max"}};
        for (String[] metric : metrics) {
            StringBuilder row = new StringBuilder("| ").append(metric[1]).append(" |");
            for (String subject : subjects) {
                Score score = harness(suite + ":" + subject + ":" + metric[0]);
                row.append(' ').append(score == null ? "–" : fmt(score.value()) + " " + score.unit()).append(" |");
                if (score == null) {
                    absent.add(suite + " " + subject + " " + metric[0]);
                }
            }
            boolean runs = metric[0].startsWith("producerRuns");
            for (String[] pair : pairs) {
                Score z = harness(suite + ":" + pair[0] + ":" + metric[0]);
                Score p = harness(suite + ":" + pair[1] + ":" + metric[0]);
                if (z == null || p == null) {
                    row.append(" |");
                    continue;
                }
                double ratio = z.value() / p.value();
                boolean met = !runs || ratio <= 1 + 1e-9;
                if (!met) {
                    missed.add(suite + " " + metric[1] + ": " + pair[0] + " vs " + pair[1] + " = " + ratio(ratio) + " (target ≤ 1.00x)");
                }
                row.append(' ').append(met ? ratio(ratio) : "**" + ratio(ratio) + " (target ≤ 1.00x)**").append(" |");
            }
            line(row.toString());
        }
        line("");
    }

    private static String shortName(String subject) {
        return switch (subject) {
            case "zodiacCached" -> "@Cached";
            case "springLocking" -> "Spring locking";
            case "spring" -> "Spring";
            case "jetcache" -> "JetCache";
            default -> subject;
        };
    }

    private static String subjectName(String subject) {
        return switch (subject) {
            case "zodiac" -> "zodiac `blocking().getOrSet`";
            case "zodiacCached" -> "zodiac `@Cached`";
            case "spring" -> "Spring `@Cacheable(sync = true)`";
            case "springLocking" -> "Spring `@Cacheable(sync = true)`, locking writer";
            case "jetcache" -> "JetCache `@CachePenetrationProtect`";
            default -> subject;
        };
    }

    private void memory() {
        line("## Memory per entry (harness `MemoryFootprint`, bytes per entry, lower is better)");
        line("");
        line("Not JMH: a harness. " + fmt(Double.parseDouble(String.valueOf(harnessContext.getOrDefault("memory.entries", "NaN"))))
                + " entries, key `\"key:\" + i` (String), "
                + "value `Integer i`. **JOL retained**: `GraphLayout.parseInstance(cache).totalSize()` filled minus empty, per entry, "
                + "keys and values included (keys and values alone: " + fmt(value("memory:keysAndValues:retained")) + " B/entry). "
                + "**Overhead**: retained minus keys and values. **Heap delta**: heap used after `System.gc()` filled minus empty "
                + "(keys and values already existed), a cross-check of JOL's overhead.");
        line("");
        line("| measurement | zodiac | value | peer | peer value | ratio | target | |");
        line("|---|---|---:|---|---:|---:|---:|---|");
        String[][] pairs = {{"zodiac", "caffeine", "1.25"}, {"zodiacBounded", "caffeineBounded", null}, {"zodiacTtl", "caffeineTtl", null}};
        for (String metric : new String[] {"retained", "overhead", "heapDelta"}) {
            for (String[] pair : pairs) {
                Score z = harness("memory:" + pair[0] + ":" + metric);
                Score p = harness("memory:" + pair[1] + ":" + metric);
                if (z == null || p == null) {
                    continue;  // some caches are measured by heap delta only
                }
                double ratio = z.value() / p.value();
                Double target = metric.equals("retained") && pair[2] != null ? Double.valueOf(pair[2]) : null;
                boolean met = target == null || ratio <= target + 1e-9;
                if (!met) {
                    missed.add("memory " + metric + ": " + pair[0] + " vs " + pair[1] + " = " + ratio(ratio));
                }
                String label = switch (metric) {
                    case "retained" -> "JOL retained";
                    case "overhead" -> "JOL overhead";
                    default -> "heap delta (overhead)";
                };
                line("| " + label + " | " + pair[0] + " | " + fmt(z.value()) + " | " + pair[1] + " | " + fmt(p.value()) + " | "
                        + ratio(ratio) + " | " + (target == null ? "" : "≤ " + ratio(target)) + " | "
                        + (target == null ? "" : met ? "met" : "**missed**") + " |");
            }
        }
        line("");
        subjects("memory", "zodiac", "zodiacBounded", "zodiacTtl", "caffeine", "caffeineBounded", "caffeineTtl");
    }

    private void subjects(String suite, String... subjects) {
        for (String subject : subjects) {
            Score description = harness(suite + ":" + subject + ":description");
            if (description != null) {
                line("- `" + subject + "`: " + description.unit());
            }
        }
        line("");
    }

    private double value(String key) {
        Score score = harness(key);
        return score == null ? Double.NaN : score.value();
    }

    private void summary() {
        line("## Targets missed in this run");
        line("");
        if (missed.isEmpty()) {
            line("None.");
        } else {
            for (String miss : missed) {
                line("- " + miss);
            }
        }
        line("");
        if (!absent.isEmpty()) {
            line("Not measured in this run: " + String.join("; ", absent) + ".");
            line("");
        }
    }

    // ------------------------------------------------------------------ table rows

    private void tableHeader() {
        line("| measurement | | zodiac | B/op | peer | peer score | B/op | ratio | target | |");
        line("|---|---|---:|---:|---|---:|---:|---:|---:|---|");
    }

    private void compare(String what, String variant, String zodiacBenchmark, String peerName, String peerBenchmark,
            int threads, Map<String, String> params, Better better, Double target) {
        Score zodiac = jmh(zodiacBenchmark, threads, params);
        Score peer = jmh(peerBenchmark, threads, params);
        if (zodiac == null || peer == null) {
            absent.add(what + " " + variant + " (" + (zodiac == null ? zodiacBenchmark : peerBenchmark) + ")");
            return;
        }
        compareScores(what, variant, zodiac, peerName, peer, better, target);
    }

    private void compareScores(String what, String variant, Score zodiac, String peerName, Score peer, Better better, Double target) {
        if (zodiac == null || peer == null) {
            return;
        }
        double ratio = zodiac.value() / peer.value();
        String range = "";
        if (!Double.isNaN(zodiac.error()) && !Double.isNaN(peer.error()) && peer.value() > peer.error()) {
            double low = Math.max(0, zodiac.value() - zodiac.error()) / (peer.value() + peer.error());
            double high = (zodiac.value() + zodiac.error()) / (peer.value() - peer.error());
            range = " [" + ratio(low) + "–" + ratio(high) + "]";
        }
        boolean met = target == null || (better == Better.HIGHER ? ratio >= target - 1e-9 : ratio <= target + 1e-9);
        if (!met) {
            missed.add(what + " " + variant + " vs " + peerName + ": " + ratio(ratio) + " (target " + (better == Better.HIGHER ? "≥ " : "≤ ")
                    + ratio(target) + ")");
        }
        String targetText = target == null ? "" : (better == Better.HIGHER ? "≥ " : "≤ ") + ratio(target);
        String verdict = target == null ? "" : met ? "met" : "**missed**";
        StringBuilder row = new StringBuilder("| ").append(what).append(" | ").append(variant).append(" | ").append(score(zodiac))
                .append(" | ").append(bytes(zodiac.allocPerOp())).append(" | ").append(peerName).append(" | ").append(score(peer))
                .append(" | ").append(bytes(peer.allocPerOp())).append(" | **").append(ratio(ratio)).append("**").append(range).append(" | ").append(targetText).append(" | ").append(verdict).append(" |");
        line(row.toString());
    }

    private static String score(Score score) {
        String value = fmt(score.value());
        return Double.isNaN(score.error()) ? value : value + " ± " + fmt(score.error());
    }

    private static String bytes(double allocPerOp) {
        return Double.isNaN(allocPerOp) ? "" : String.format(Locale.ROOT, "%.0f", Math.max(0, allocPerOp));
    }

    private static String ratio(double ratio) {
        return String.format(Locale.ROOT, ratio < 0.095 ? "%.3fx" : "%.2fx", ratio);
    }

    private static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "?";
        }
        if (Math.abs(value) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private void row(String name, String value) {
        line("| " + name + " | " + value.replace("|", "\\|") + " |");
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
