package io.zodiac.cache.contract;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One JVM of a cross-JVM refresh-ahead test, on any backend: sets up the cache, prints
 * {@code READY}, waits for {@code GO} on stdin, then lets {@code callers} threads call
 * {@code getOrSet} of one key (stored by the test, old enough to refresh) {@value #CALLS} times
 * each, with {@code refreshAfter}; then waits until the key holds a value other than the first one
 * it read. Prints, for the test to parse:
 *
 * <pre>
 * READY
 * PRODUCED {millis}              this JVM ran the refresh's producer
 * RESULT {value}                 a caller got its value
 * FAILED {exception}             a caller failed
 * DONE
 * </pre>
 *
 * The producer counts its runs in the cache itself ({@code increment} of {@value #PRODUCER_CALLS})
 * and returns {@code refreshed-by-{pid}} after {@code produce}.
 *
 * <p>Arguments: prefix, key, callers, producer millis, ttl millis, refreshAfter millis, then the
 * cache configuration as {@code option=value} pairs read by {@link CacheConfig#fromMap}.
 */
public final class RefreshChild {

    /** The cache key counting producer runs across every JVM. */
    public static final String PRODUCER_CALLS = "producer-calls";
    static final int CALLS = 5;

    private RefreshChild() {
    }

    /** The command that starts a child JVM on this test classpath. */
    public static List<String> command(String prefix, String key, int callers, Duration produce, Duration ttl,
            Duration refreshAfter, Map<String, ?> options) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                RefreshChild.class.getName(), prefix, key, Integer.toString(callers), Long.toString(produce.toMillis()),
                Long.toString(ttl.toMillis()), Long.toString(refreshAfter.toMillis())));
        options.forEach((option, value) -> command.add(option + "=" + value));
        return command;
    }

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        String key = args[1];
        int callers = Integer.parseInt(args[2]);
        Duration produce = Duration.ofMillis(Long.parseLong(args[3]));
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().type(String.class)
                .ttl(Duration.ofMillis(Long.parseLong(args[4]))).refreshAfter(Duration.ofMillis(Long.parseLong(args[5])));
        Map<String, Object> config = new LinkedHashMap<>();
        for (int i = 6; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            config.put(args[i].substring(0, equals), args[i].substring(equals + 1));
        }
        String me = Long.toString(ProcessHandle.current().pid());
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup(prefix, CacheConfig.fromMap(config));
            List<String> results = GatedCallers.run(callers, report -> {
                for (int call = 0; call < CALLS; call++) {
                    report.accept("RESULT " + cache.getOrSet(key, () -> produce(cache, me, produce), options).join());
                }
            });
            // the refresh (here or in another JVM) has been started: wait for its value to land
            String first = results.isEmpty() ? null : results.get(0).substring("RESULT ".length());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (first != null && first.equals(cache.get(key, String.class).join()) && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a bounded poll of the backend
            }
        }
        System.out.println("DONE");
        System.out.flush();
    }

    private static CompletableFuture<String> produce(ZodiacCache cache, String me, Duration produce) {
        System.out.println("PRODUCED " + System.currentTimeMillis());
        return cache.increment(PRODUCER_CALLS, 1).thenCompose(calls -> CompletableFuture.supplyAsync(
                () -> "refreshed-by-" + me, CompletableFuture.delayedExecutor(produce.toMillis(), TimeUnit.MILLISECONDS)));
    }
}
