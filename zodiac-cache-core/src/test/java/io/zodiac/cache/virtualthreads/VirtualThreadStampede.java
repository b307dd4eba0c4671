package io.zodiac.cache.virtualthreads;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Blocking code on virtual threads (JDK 21+): 10,000 of them call {@code blocking().getOrSet} on
 * one cold key. The producer blocks until every caller has started, so the callers that wait for
 * it must give their carrier back: the build runs these tests with two carrier threads that
 * cannot grow, where a waiter that pins its carrier stalls the test instead of slowing it down.
 * One producer run, every caller gets its value, within a bounded wait. Each backend module
 * extends it with its configuration.
 */
public abstract class VirtualThreadStampede {

    private static final int CALLERS = 10_000;
    private static final Duration BOUND = Duration.ofSeconds(60);

    private final CacheManager manager = new CacheManager();

    /** The cache's configuration; the prefix is the test's own. */
    protected abstract CacheConfig.Builder config();

    @AfterEach
    void shutDown() {
        manager.close();
    }

    @Test
    void tenThousandVirtualThreadsOnOneColdKeyRunTheProducerOnce() throws Exception {
        BlockingCache cache = manager.setup("virtual-threads", config().build()).blocking();
        AtomicInteger producerRuns = new AtomicInteger();
        CountDownLatch allStarted = new CountDownLatch(CALLERS);
        // the lease outlasts the wait for every caller to start, so that no waiter takes the load over
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().type(String.class)
                .lease(BOUND.multipliedBy(2)).ttl(Duration.ofMinutes(5));

        List<Future<String>> results = new ArrayList<>(CALLERS);
        long start = System.nanoTime();
        ExecutorService threads = virtualThreadPerTask();
        try {
            for (int i = 0; i < CALLERS; i++) {
                results.add(threads.submit(() -> {
                    allStarted.countDown();
                    return cache.getOrSet("cold", () -> {
                        producerRuns.incrementAndGet();
                        awaitQuietly(allStarted);     // blocks its virtual thread until every caller is waiting
                        return "value";
                    }, options);
                }));
            }
            threads.shutdown();
            assertThat(threads.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .as("%,d callers complete within %s on two carriers (%,d of them started, %d producer runs)",
                            CALLERS, BOUND, CALLERS - allStarted.getCount(), producerRuns.get())
                    .isTrue();
        } finally {
            threads.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(producerRuns).as("producer runs").hasValue(1);
        for (Future<String> result : results) {
            assertThat(result.get()).isEqualTo("value");
        }
        assertThat(took).isLessThan(BOUND);
    }

    /**
     * {@code Executors.newVirtualThreadPerTaskExecutor()} (Java 21), looked up at run time: the tests
     * compile for Java 17 like the rest, and run only on 21+.
     */
    private static ExecutorService virtualThreadPerTask() throws ReflectiveOperationException {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every caller started within " + BOUND
                        + ": waiting callers hold their carriers");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
