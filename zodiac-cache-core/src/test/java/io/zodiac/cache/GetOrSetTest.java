package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.HitMissRatioPlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    void sixtyFourConcurrentCallersOnOneColdKeyRunTheProducerOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> slow = new CompletableFuture<>();
        AtomicInteger arrived = new AtomicInteger();
        CompletableFuture<List<String>> results = CompletableFuture.supplyAsync(() -> {
            try {
                return race(64, () -> {
                    CompletableFuture<String> result = cache.getOrSet("cold", () -> {
                        calls.incrementAndGet();
                        return slow;
                    });
                    arrived.incrementAndGet();
                    return result.get(20, TimeUnit.SECONDS);
                });
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).untilAtomic(arrived, org.hamcrest.Matchers.equalTo(64));
        slow.complete("value");
        assertThat(results.get(20, TimeUnit.SECONDS)).hasSize(64).containsOnly("value");
        assertThat(calls).hasValue(1);
        assertThat(cache.get("cold").join()).isEqualTo("value");
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
    void aFailingProducerReachesEveryWaiterOnceAndStoresNothing() {
        CompletableFuture<String> gate = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        List<CompletableFuture<String>> callers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            callers.add(cache.getOrSet("k", () -> {
                calls.incrementAndGet();
                return gate;
            }));
        }
        IllegalStateException boom = new IllegalStateException("boom");
        gate.completeExceptionally(boom);
        for (CompletableFuture<String> caller : callers) {
            assertThatThrownBy(caller::join).isInstanceOf(CompletionException.class).cause().isSameAs(boom);
        }
        assertThat(calls).hasValue(1);
        assertThat(cache.exists("k").join()).isFalse();

        assertThat(cache.getOrSet("k", () -> CompletableFuture.completedFuture("second")).join()).isEqualTo("second");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aProducerThatThrowsInsteadOfReturningAFailedStageIsTheSame() {
        assertThatThrownBy(() -> cache.getOrSet("k", () -> {
            throw new IllegalArgumentException("bad id");
        }).join()).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.blocking().getOrSet("k", () -> {
            throw new IllegalArgumentException("bad id");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad id");
        assertThat(cache.exists("k").join()).isFalse();
    }

    @Test
    void aMissThenHits() {
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(cache.blocking().getOrSet("k", () -> "v" + calls.incrementAndGet())).isEqualTo("v1");
        }
        assertThat(calls).hasValue(1);
        assertThat(ratio.misses()).isEqualTo(1);
        assertThat(ratio.hits()).isEqualTo(2);
    }

    @Test
    void nullIsStoredThroughASentinelUnlessSkipped() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(cache.blocking().<String>getOrSet("none", () -> {
            calls.incrementAndGet();
            return null;
        })).isNull();
        assertThat(cache.exists("none").join()).isTrue();
        assertThat(cache.get("none").join()).isNull();
        assertThat(cache.blocking().<String>getOrSet("none", () -> {
            calls.incrementAndGet();
            return "not called";
        })).isNull();
        assertThat(calls).hasValue(1);

        GetOrSetOptions<String> skipNull = GetOrSetOptions.<String>defaults().skipCacheIf(Objects::isNull);
        assertThat(cache.blocking().getOrSet("skipped", () -> null, skipNull)).isNull();
        assertThat(cache.exists("skipped").join()).isFalse();
    }

    @Test
    void skipCacheIfReturnsTheValueWithoutStoringIt() {
        GetOrSetOptions<Integer> skipNegative = GetOrSetOptions.<Integer>defaults().skipCacheIf(v -> v < 0);
        assertThat(cache.blocking().getOrSet("n", () -> -1, skipNegative)).isEqualTo(-1);
        assertThat(cache.exists("n").join()).isFalse();
        assertThat(cache.blocking().getOrSet("n", () -> 1, skipNegative)).isEqualTo(1);
        assertThat(cache.get("n").join()).isEqualTo(1);
    }

    @Test
    void theCallsTtlWinsOverTheDefault() {
        ZodiacCache withDefault = manager.setup("ttl", CacheConfig.builder().name("ttl").defaultTtl(Duration.ofHours(1)).build());
        withDefault.blocking().getOrSet("own", () -> 1, GetOrSetOptions.<Integer>defaults().ttl(Duration.ofSeconds(10)));
        withDefault.blocking().getOrSet("default", () -> 1);
        assertThat(withDefault.ttl("own").join()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(withDefault.ttl("default").join()).isGreaterThan(Duration.ofMinutes(59));
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
    void afterTheLeaseExpiresAWaiterRunsTheProducerToo() {
        GetOrSetOptions<String> shortLease = GetOrSetOptions.<String>defaults().lease(Duration.ofMillis(200));
        CompletableFuture<String> stuck = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> first = cache.getOrSet("slow", () -> {
            calls.incrementAndGet();
            return stuck;
        }, shortLease);
        CompletableFuture<String> second = cache.getOrSet("slow", () -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture("fresh");
        }, shortLease);
        assertThat(second.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo("fresh");
        assertThat(calls).hasValue(2);
        assertThat(first).isNotDone();
        stuck.complete("late");
        assertThat(first.join()).isEqualTo("late");
    }

    @Test
    void waitersWakeOnTheProducersReleaseNotAtTheLease() {
        GetOrSetOptions<String> longLease = GetOrSetOptions.<String>defaults().lease(Duration.ofMinutes(5));
        CompletableFuture<String> gate = new CompletableFuture<>();
        CompletableFuture<String> producer = cache.getOrSet("k", () -> gate, longLease);
        CompletableFuture<String> waiter = cache.getOrSet("k", () -> CompletableFuture.completedFuture("other"), longLease);
        gate.complete("v");
        // The lease is five minutes: a waiter that only woke at the lease would time out here.
        assertThat(waiter.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo("v");
        assertThat(producer.join()).isEqualTo("v");
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
