package io.zodiac.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.testkit.MemcachedExtension;
import io.zodiac.cache.testkit.MemcachedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A memcached that dies under {@code getOrSet} load: every caller still gets its value in bounded
 * time (fail-open, operation timeouts, the circuit breaker), and the cache recovers by itself once
 * memcached is back. A paused server is the cache contract's ({@link MemcachedContractTest}).
 */
@Timeout(120)
class MemcachedFaultTest {

    @RegisterExtension
    static final MemcachedExtension MEMCACHED = MemcachedExtension.create();

    private static final Duration OPERATION_TIMEOUT = Duration.ofMillis(500);
    /** A call that takes longer than this hung past its operation timeouts (a getOrSet makes up to five calls). */
    private static final Duration CALL_BOUND = OPERATION_TIMEOUT.multipliedBy(10);
    private static final Duration RECOVERY = Duration.ofSeconds(20);

    private final CacheManager manager = new CacheManager();
    private final Queue<CacheEvent.Kind> events = new ConcurrentLinkedQueue<>();
    private final ZodiacCache cache = manager.setup("faults", CacheConfig.fromUri("memcached://" + MEMCACHED.address())
            .operationTimeout(OPERATION_TIMEOUT)
            .circuitBreaker(3, Duration.ofMillis(500))
            .plugins(new CachePlugin() {
                @Override
                public void onEvent(CacheEvent event) {
                    events.add(event.kind());
                }
            })
            .build());

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void killedUnderLoadFailsOpenThenRecoversAfterRestart(MemcachedServer server) throws Exception {
        try (Load load = new Load(cache, 4)) {
            await().atMost(RECOVERY).until(() -> load.calls() >= 200);
            server.kill();
            long atKill = load.calls();
            await().atMost(RECOVERY).until(() -> load.calls() >= atKill + 200);
            assertThat(events).contains(CacheEvent.Kind.FAIL_OPEN, CacheEvent.Kind.CIRCUIT_OPENED);

            server.restart();
            await().atMost(RECOVERY).ignoreExceptions()
                    .until(() -> cache.blocking().exists("key-1") && cache.blocking().exists("key-2"));
            assertThat(events).contains(CacheEvent.Kind.CIRCUIT_CLOSED);
            long afterRecovery = load.calls();
            await().atMost(RECOVERY).until(() -> load.calls() >= afterRecovery + 100);
            load.stop();
            assertThat(load.failures()).isEmpty();
        }
    }

    @Test
    void aCacheShutDownBeforeItsServerCameUpStopsConnecting(MemcachedServer server) throws Exception {
        manager.close();
        server.kill();
        try (CacheManager starting = new CacheManager()) {
            ZodiacCache lazy = starting.setup("lazy", CacheConfig.fromUri("memcached://" + MEMCACHED.address())
                    .name("lazy").operationTimeout(OPERATION_TIMEOUT).build());
            assertThatThrownBy(() -> lazy.blocking().get("k")).isInstanceOf(CacheUnavailableException.class);

            long start = System.nanoTime();
            starting.shutdown().get(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("shutdown does not wait for the server")
                    .isLessThan(CALL_BOUND);
        } finally {
            server.restart();
        }
        // folsom retries at most a second apart: a client still trying would connect within this window.
        // Each look at the stats opens one connection of its own, so between two looks the count of
        // connections ever accepted grows by exactly one unless someone else connects (the number of open
        // connections would not do: memcached reaps the closed stats connections when it gets to them).
        long[] last = {acceptedConnections(server)};
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(8)).until(() -> {
            long now = acceptedConnections(server);
            boolean nobodyElse = now - last[0] == 1;
            last[0] = now;
            return nobodyElse;
        });
    }

    /** The connections memcached has accepted since it started (the one asking included). */
    private static long acceptedConnections(MemcachedServer server) {
        for (String line : server.command("stats").split("\r\n")) {
            if (line.startsWith("STAT total_connections ")) {
                return Long.parseLong(line.substring("STAT total_connections ".length()));
            }
        }
        throw new AssertionError("no total_connections in stats");
    }

    /** Threads calling {@code getOrSet} on 50 keys in a loop, each call checked and bounded. */
    private static final class Load implements AutoCloseable {
        private final List<Thread> workers = new ArrayList<>();
        private final AtomicLong calls = new AtomicLong();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private volatile boolean running = true;

        Load(ZodiacCache cache, int threads) {
            for (int i = 0; i < threads; i++) {
                Thread worker = new Thread(() -> {
                    for (long n = 0; running; n++) {
                        String key = "key-" + (n % 50);
                        try {
                            Object value = cache.getOrSet(key, () -> CompletableFuture.completedFuture(key + "-value"))
                                    .get(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                            if (!(key + "-value").equals(value)) {
                                failures.add(key + " read " + value);
                            }
                        } catch (Exception e) {
                            failures.add(key + " failed: " + e);
                        }
                        calls.incrementAndGet();
                    }
                }, "load-" + i);
                workers.add(worker);
                worker.start();
            }
        }

        long calls() {
            return calls.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        void stop() throws InterruptedException {
            running = false;
            for (Thread worker : workers) {
                worker.join();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
