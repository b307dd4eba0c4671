package io.zodiac.cache.contract;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One JVM of a cross-JVM stampede test, on any backend: sets up the cache, warms it up, prints
 * {@code READY}, waits for {@code GO} on stdin, then lets {@code callers} threads call
 * {@code getOrSet} of one cold key at once. Prints one line per event, for the test to parse:
 *
 * <pre>
 * READY
 * PRODUCED {millis}                  this JVM ran the producer
 * RESULT {value} {millis}            a caller got its value
 * FAILED {exception}                 a caller failed
 * RELEASE {millis}                   this JVM released the key's lock (after storing)
 * LOCKS {n}                          lock attempts on the key made by this JVM
 * EVENT {kind} {millis} {key} [error] an event of the cache on the key (a fail-open, an expired lease), to explain a failure
 * DONE
 * </pre>
 *
 * The producer counts its runs in the cache itself ({@code increment} of {@value #PRODUCER_CALLS})
 * and returns {@code value-of-{pid}}.
 *
 * <p>Arguments: prefix, key, callers, producer millis, lease millis, then the cache configuration
 * as {@code option=value} pairs read by {@link CacheConfig#fromMap} (e.g. {@code cache=redis
 * endpoint=127.0.0.1 port=6379}, {@code cluster=h:p,h:p}, {@code cache=memcached servers=h:p}).
 * The JVM ends when {@code main} returns: the backend must leave no non-daemon thread behind.
 */
public final class StampedeChild {

    /** The cache key counting producer runs across every JVM. */
    public static final String PRODUCER_CALLS = "producer-calls";

    private StampedeChild() {
    }

    /**
     * The command that starts a child JVM on this test classpath.
     *
     * @param options the cache configuration, as {@link CacheConfig#fromMap} reads it
     */
    public static List<String> command(String prefix, String key, int callers, Duration produce, Duration lease,
            Map<String, ?> options) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                StampedeChild.class.getName(), prefix, key, Integer.toString(callers),
                Long.toString(produce.toMillis()), Long.toString(lease.toMillis())));
        options.forEach((option, value) -> command.add(option + "=" + value));
        return command;
    }

    public static void main(String[] args) throws Exception {
        String prefix = args[0];
        String key = args[1];
        int callers = Integer.parseInt(args[2]);
        Duration produce = Duration.ofMillis(Long.parseLong(args[3]));
        Duration lease = Duration.ofMillis(Long.parseLong(args[4]));
        Map<String, Object> options = new LinkedHashMap<>();
        for (int i = 5; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            options.put(args[i].substring(0, equals), args[i].substring(equals + 1));
        }
        String me = Long.toString(ProcessHandle.current().pid());

        CompletableFuture<Long> released = new CompletableFuture<>();
        AtomicInteger locks = new AtomicInteger();
        CachePlugin observer = new CachePlugin() {
            @Override
            public void post(OperationEvent event) {
                if (!key.equals(event.key())) {
                    return;
                }
                if (event.operation() == Operation.LOCK) {
                    locks.incrementAndGet();
                } else if (event.operation() == Operation.UNLOCK && Boolean.TRUE.equals(event.result())) {
                    released.complete(System.currentTimeMillis());
                }
            }

            @Override
            public void onEvent(CacheEvent event) {
                if (!key.equals(event.key())) {
                    return; // the warm-up comes before READY, which must be the first line
                }
                System.out.println("EVENT " + event.kind() + " " + System.currentTimeMillis() + " " + event.key()
                        + (event.error() == null ? "" : " " + event.error()));
            }
        };
        CacheConfig config = CacheConfig.fromMap(options).toBuilder().plugins(observer).build();
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup(prefix, config);
            GetOrSetOptions<String> getOrSet = GetOrSetOptions.<String>defaults().lease(lease).type(String.class);
            // Warm up the code paths a waiter takes (lock, wait, read, decode), so that the JIT and class
            // loading do not show up as wake-up latency.
            for (int i = 0; i < 20; i++) {
                cache.getOrSet("warmup:" + me + ":" + i, () -> CompletableFuture.completedFuture("w"), getOrSet).join();
                cache.get("warmup:" + me + ":" + i, String.class).join();
            }

            GatedCallers.run(callers, report -> {
                String value = cache.getOrSet(key, () -> produce(cache, me, produce), getOrSet).join();
                report.accept("RESULT " + value + " " + System.currentTimeMillis());
            });
            if (released.isDone()) {
                System.out.println("RELEASE " + released.join());
            }
            System.out.println("LOCKS " + locks.get());
        }
        System.out.println("DONE");
        System.out.flush();
    }

    private static CompletableFuture<String> produce(ZodiacCache cache, String me, Duration produce) {
        System.out.println("PRODUCED " + System.currentTimeMillis());
        return cache.increment(PRODUCER_CALLS, 1).thenCompose(calls -> CompletableFuture.supplyAsync(
                () -> "value-of-" + me, CompletableFuture.delayedExecutor(produce.toMillis(), TimeUnit.MILLISECONDS)));
    }
}
