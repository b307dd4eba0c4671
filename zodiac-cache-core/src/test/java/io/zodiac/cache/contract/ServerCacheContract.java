package io.zodiac.cache.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link CacheContract} of a backend on a server, plus what only a server can do to a cache:
 * die and come back, freeze and thaw, or be down when the cache is set up. {@code getOrSet} fails
 * open (the producer's value, within a bound), direct calls report the failure, and the cache
 * works again once the server does, without another setup. The in-memory backend has no server
 * and runs the plain {@link CacheContract}.
 */
public abstract class ServerCacheContract extends CacheContract {

    private static final Duration FAULT_OPERATION_TIMEOUT = Duration.ofMillis(500);
    /** A getOrSet makes a few backend calls; on a busy 2-core machine: "bounded", not "fast". */
    private static final Duration FAULT_CALL_BOUND = FAULT_OPERATION_TIMEOUT.multipliedBy(10);
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    /** Far under the operation timeout (5 s): an answer that did not wait for another cache's decode. */
    private static final Duration OTHER_CACHE_BOUND = Duration.ofSeconds(1);

    /** Control over the server process(es) of this backend. */
    protected abstract ServerFaults faults();

    /** Runs before {@link CacheContract}'s own clean-up: the manager closes against a live server. */
    @AfterEach
    void restoreServer() {
        faults().ensureRunning();
    }

    @Test
    void killedServerGetOrSetFailsOpenDirectCallsReportItAndRestartRecovers() throws Exception {
        ServerFaults faults = faults();
        ZodiacCache faulty = faultCache();
        faulty.blocking().set("k", "before");
        faults.kill();
        try {
            for (int i = 0; i < 10; i++) {
                assertThat(within(FAULT_CALL_BOUND, faulty.getOrSet("k" + (i % 3),
                        () -> CompletableFuture.completedFuture("from the source")))).isEqualTo("from the source");
            }
            assertThat(failureWithin(FAULT_CALL_BOUND, faulty.get("k"))).isInstanceOf(Exception.class);
            assertThat(failureWithin(FAULT_CALL_BOUND, faulty.set("k", "x"))).isInstanceOf(Exception.class);
        } finally {
            faults.restart();
        }
        await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> {
            assertThat(faulty.blocking().set("k", "after")).isTrue();
            assertThat(faulty.blocking().get("k")).isEqualTo("after");
        });
        assertThat(within(FAULT_CALL_BOUND, faulty.getOrSet("new", () -> CompletableFuture.completedFuture("stored"))))
                .isEqualTo("stored");
        assertThat(faulty.blocking().get("new")).isEqualTo("stored");
    }

    @Test
    void pausedServerGetOrSetFailsOpenDirectCallsReportItAndResumeRecovers() throws Exception {
        ServerFaults faults = faults();
        ZodiacCache faulty = faultCache();
        faulty.blocking().set("k", "cached");
        faults.pause();
        try {
            assertThat(within(FAULT_CALL_BOUND, faulty.getOrSet("k", () -> CompletableFuture.completedFuture("fresh"))))
                    .isEqualTo("fresh");
            assertThat(failureWithin(FAULT_CALL_BOUND, faulty.get("k"))).isInstanceOf(Exception.class);
        } finally {
            faults.resume();
        }
        await().atMost(RECOVERY).ignoreExceptions()
                .untilAsserted(() -> assertThat(faulty.blocking().get("k")).isEqualTo("cached"));
    }

    /**
     * A server backend's I/O thread serves every cache of the manager on the connection: a value
     * that is slow to decode (large, read by {@code get}; or of a serializer slow on any size,
     * read by {@code multiGet}) is decoded elsewhere, so the other caches answer meanwhile.
     */
    @Test
    void aSlowDecodeInOneCacheNeverDelaysAnotherCacheOfTheManager() {
        CountDownLatch decoding = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ZodiacCache large = manager.setup(otherPrefix("large"), config().name("large")
                .serializer(new SlowDecoding(64 * 1024, decoding, release)).build());
        ZodiacCache anySize = manager.setup(otherPrefix("any-size"), config().name("any-size")
                .serializer(new SlowDecoding(0, decoding, release)).build());
        String largePoison = "poison" + "x".repeat(100 * 1024);
        large.blocking().set("poison", largePoison);
        anySize.blocking().set("poison", "poison");
        cache.blocking().set("k", "v");
        CompletableFuture<Object> slowLarge;
        CompletableFuture<Map<String, Object>> slowBatch;
        try {
            slowLarge = large.get("poison");
            slowBatch = anySize.multiGet(List.of("poison"));
            assertThat(awaitLatch(decoding)).as("both decodes under way").isTrue();
            for (int i = 0; i < 20; i++) {
                assertThat(within(OTHER_CACHE_BOUND, cache.get("k"))).isEqualTo("v");
                assertThat(within(OTHER_CACHE_BOUND, large.get("absent"))).isNull();
            }
            assertThat(within(OTHER_CACHE_BOUND, cache.set("k2", "v2"))).isTrue();
            assertThat(slowLarge).as("still decoding").isNotDone();
            assertThat(slowBatch).as("still decoding").isNotDone();
        } finally {
            release.countDown();
        }
        assertThat(within(Duration.ofSeconds(10), slowLarge)).isEqualTo(largePoison);
        assertThat(within(Duration.ofSeconds(10), slowBatch)).containsExactly(Map.entry("poison", "poison"));
    }

    private static boolean awaitLatch(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aCacheSetUpWhileItsServerIsDownConnectsOnceTheServerIsUp() throws Exception {
        ServerFaults faults = faults();
        String lazyPrefix = otherPrefix("lazy");
        GetOrSetOptions<String> longLease = GetOrSetOptions.<String>defaults().lease(Duration.ofMinutes(5));
        faults.kill();
        // a manager of its own: the row's manager is connected already, and its caches share its connections
        try (CacheManager starting = new CacheManager()) {
            ZodiacCache lazy;
            try {
                long setupStart = System.nanoTime();
                lazy = starting.setup(lazyPrefix, config().name("lazy").operationTimeout(FAULT_OPERATION_TIMEOUT)
                        .circuitBreaker(3, Duration.ofSeconds(1)).build());
                assertThat(Duration.ofNanos(System.nanoTime() - setupStart)).as("setup does not wait for the server")
                        .isLessThan(FAULT_CALL_BOUND);

                long callStart = System.nanoTime();
                Throwable getFailure = failureWithin(FAULT_CALL_BOUND, lazy.get("k"));
                Duration waited = Duration.ofNanos(System.nanoTime() - callStart);
                assertThat(getFailure).isInstanceOf(CacheUnavailableException.class)
                        .hasMessageContaining("Cache 'lazy'").hasMessageContaining("not connected");
                assertThat(waited).as("a call waits about the operation timeout for the connection, no longer")
                        .isGreaterThanOrEqualTo(FAULT_OPERATION_TIMEOUT.minusMillis(50))
                        .isLessThan(FAULT_OPERATION_TIMEOUT.plusSeconds(2));
                assertThat(failureWithin(FAULT_CALL_BOUND, lazy.set("k", "v"))).isInstanceOf(CacheUnavailableException.class);
                assertThat(within(FAULT_CALL_BOUND, lazy.getOrSet("k", () -> CompletableFuture.completedFuture("from the source"))))
                        .as("getOrSet fails open").isEqualTo("from the source");
            } finally {
                faults.restart();
            }

            await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> {
                assertThat(lazy.blocking().set("k", "after")).isTrue();
                assertThat(lazy.blocking().get("k")).isEqualTo("after");
            });
            ZodiacCache other = manager.setup(lazyPrefix, config().name("lazy").build());
            await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() ->
                    assertThat(other.blocking().get("k")).as("written to the server").isEqualTo("after"));

            // a waiter of the late-connected cache wakes on the release of a producer in another manager
            CompletableFuture<String> release = new CompletableFuture<>();
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<String> producer = other.getOrSet("locked", () -> {
                calls.incrementAndGet();
                return release;
            }, longLease);
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
            CompletableFuture<String> waiter = lazy.getOrSet("locked", () -> CompletableFuture.completedFuture("other"),
                    longLease);
            release.complete("v");
            // the lease is five minutes: a waiter that only woke at the lease would time out here
            assertThat(within(Duration.ofSeconds(10), waiter)).isEqualTo("v");
            assertThat(within(Duration.ofSeconds(10), producer)).isEqualTo("v");
        }
    }

    @Test
    void aCallRightAfterSetupOnAHealthyServerSucceeds() {
        for (int i = 0; i < 5; i++) {
            try (CacheManager fresh = new CacheManager()) {
                ZodiacCache cache = fresh.setup(otherPrefix("fresh" + i), config().name("fresh").build());
                assertThat(within(FAULT_CALL_BOUND, cache.set("k", "v" + i))).isTrue();
                assertThat(within(FAULT_CALL_BOUND, cache.get("k"))).isEqualTo("v" + i);
            }
            try (CacheManager fresh = new CacheManager()) {
                ZodiacCache cache = fresh.setup(otherPrefix("fresh" + i), config().name("fresh").build());
                assertThat(within(FAULT_CALL_BOUND, cache.get("k"))).as("the first call is a read").isEqualTo("v" + i);
            }
        }
    }

    private ZodiacCache faultCache() {
        return manager.setup(otherPrefix("faults"), config().name("faults").operationTimeout(FAULT_OPERATION_TIMEOUT)
                .circuitBreaker(3, Duration.ofSeconds(1)).build());
    }

}
