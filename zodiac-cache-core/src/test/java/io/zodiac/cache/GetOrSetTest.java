package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.HitMissRatioPlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code getOrSet} details of the in-memory backend and of the options. The behaviour every backend
 * shares (one producer for concurrent callers, failures, skipCacheIf, leases, null) is the cache
 * contract's ({@code io.zodiac.cache.contract.CacheContract}).
 */
@Timeout(30)
class GetOrSetTest {

    private final CacheManager manager = new CacheManager();
    private final HitMissRatioPlugin ratio = new HitMissRatioPlugin();
    private final ZodiacCache cache = manager.setup("test", CacheConfig.builder().plugins(ratio).build());

    @AfterEach
    void close() {
        manager.close();
    }

    /** Runs {@code callers} threads that start together and each call {@code call}; returns their results. */
    private static <T> List<T> race(int callers, java.util.concurrent.Callable<T> call) throws Exception {
        CountDownLatch ready = new CountDownLatch(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return call.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(20, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void blockingCallersOnOneColdKeyRunTheProducerOnceInACallersThread() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Thread> producerThread = new AtomicReference<>();
        List<Thread> callerThreads = new CopyOnWriteArrayList<>();
        List<String> results = race(32, () -> {
            callerThreads.add(Thread.currentThread());
            return cache.blocking().getOrSet("blocking", () -> {
                calls.incrementAndGet();
                producerThread.set(Thread.currentThread());
                return "v";
            });
        });
        assertThat(results).containsOnly("v");
        assertThat(calls).hasValue(1);
        assertThat(callerThreads).contains(producerThread.get());
    }

    @Test
    void aMissThenHitsAsThePluginsCountThem() {
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(cache.blocking().getOrSet("k", () -> "v" + calls.incrementAndGet())).isEqualTo("v1");
        }
        assertThat(calls).hasValue(1);
        assertThat(ratio.misses()).isEqualTo(1);
        assertThat(ratio.hits()).isEqualTo(2);
    }

    @Test
    void aLeaseThatIsNullZeroOrNegativeMeansTwoSeconds() {
        assertThat(GetOrSetOptions.defaults().lease()).isEqualTo(Duration.ofSeconds(2));
        assertThat(GetOrSetOptions.defaults().lease(null).lease()).isEqualTo(Duration.ofSeconds(2));
        assertThat(GetOrSetOptions.defaults().lease(Duration.ZERO).lease()).isEqualTo(Duration.ofSeconds(2));
        assertThat(GetOrSetOptions.defaults().lease(Duration.ofSeconds(-3)).lease()).isEqualTo(Duration.ofSeconds(2));
        assertThat(GetOrSetOptions.defaults().lease(Duration.ofMillis(300)).lease()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void theLockIsReleasedAfterTheProducerSucceedsOrFails() {
        cache.blocking().getOrSet("ok", () -> "v");
        assertThatThrownBy(() -> cache.blocking().getOrSet("failed", () -> {
            throw new IllegalStateException("x");
        }));
        String token = "probe";
        assertThat(((DefaultZodiacCache) cache).backend().tryLock("ok", token, Duration.ofSeconds(1)).join()).isTrue();
        assertThat(((DefaultZodiacCache) cache).backend().tryLock("failed", token, Duration.ofSeconds(1)).join()).isTrue();
    }

    @Test
    void pluginsSeeTheProducerAndTheLock() {
        List<OperationEvent> events = new CopyOnWriteArrayList<>();
        ZodiacCache observed = manager.setup("p", CacheConfig.builder().name("observed").plugins(new CachePlugin() {
            @Override
            public void post(OperationEvent event) {
                events.add(event);
            }
        }).build());
        observed.blocking().getOrSet("k", () -> "v");
        assertThat(events).extracting(OperationEvent::operation)
                .contains(Operation.LOCK, Operation.PRODUCE, Operation.SET, Operation.UNLOCK, Operation.GET_OR_SET);
        OperationEvent getOrSet = events.stream().filter(e -> e.operation() == Operation.GET_OR_SET).findFirst().orElseThrow();
        assertThat(getOrSet.hit()).isFalse();
        assertThat(getOrSet.result()).isEqualTo("v");
        assertThat(getOrSet.cache()).isEqualTo("observed");
        assertThat(getOrSet.elapsedNanos()).isPositive();
    }
}
