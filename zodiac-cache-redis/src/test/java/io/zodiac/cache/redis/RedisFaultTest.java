package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.await;
import static io.zodiac.cache.redis.RedisTesting.failure;
import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheTimeoutException;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.ZodiacCacheException;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis killed, frozen, restarted and its pub/sub connection dropped, under real load:
 * {@code getOrSet} never fails and never waits past the operation timeout, direct operations
 * report the error, and the cache comes back by itself.
 */
class RedisFaultTest {

    private static final Duration OPERATION_TIMEOUT = Duration.ofMillis(500);
    /** Scheduling slack on a busy 2-core machine; the point is "bounded", not "fast". */
    private static final Duration SLACK = Duration.ofMillis(1500);

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    private final CacheManager manager = new CacheManager();
    private final RedisServer server = REDIS.server();
    private final String prefix;
    private final ZodiacCache cache;

    RedisFaultTest(TestInfo test) {
        prefix = test.getTestMethod().orElseThrow().getName();
        cache = manager.setup(prefix, on(server).operationTimeout(OPERATION_TIMEOUT)
                .circuitBreaker(3, Duration.ofSeconds(1)).build());
    }

    @AfterEach
    void close() {
        server.ensureRunning();
        manager.close();
    }

    private String channel() {
        return "zodiac_cache:" + prefix + ":__released";
    }

    @Test
    void killedDuringALoadOfGetOrSetNoCallerFailsOrHangs() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger calls = new AtomicInteger();
        AtomicLong slowest = new AtomicLong();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread caller = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String key = "k" + (i % 25);
                    long start = System.nanoTime();
                    try {
                        String value = cache.getOrSet(key, () -> CompletableFuture.completedFuture("v-" + key)).join();
                        if (!value.equals("v-" + key)) {
                            wrong.add(key + " -> " + value);
                        }
                    } catch (RuntimeException e) {
                        wrong.add(key + " failed: " + e);
                    }
                    slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    calls.incrementAndGet();
                }
            }, "caller-" + t);
            caller.start();
            callers.add(caller);
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 200);
            server.kill();
            int atKill = calls.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= atKill + 500);
        } finally {
            stop.set(true);
            for (Thread caller : callers) {
                caller.join(10_000);
            }
        }

        assertThat(wrong).isEmpty();
        assertThat(Duration.ofNanos(slowest.get())).isLessThan(OPERATION_TIMEOUT.plus(SLACK));
        assertThat(failure(cache.get("k1"))).isInstanceOf(Exception.class);
        assertThat(failure(cache.set("k1", "x"))).isInstanceOf(Exception.class);
        assertThat(failure(cache.delete("k1"))).isInstanceOf(Exception.class);
    }

    @Test
    void pausedGetOrSetFailsOpenWithinTheTimeoutWhileDirectCallsReportIt() {
        cache.blocking().set("k", "cached");
        server.pause();
        try {
            assertThat(failure(cache.get("k"))).isInstanceOf(CacheTimeoutException.class);
            // Redis applies this write once it runs again: a timed-out write has an unknown outcome.
            assertThat(failure(cache.set("other", "new"))).isInstanceOf(ZodiacCacheException.class);

            List<CompletableFuture<String>> calls = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                calls.add(cache.getOrSet("k" + (i % 4), () -> CompletableFuture.completedFuture("fresh")));
            }
            for (CompletableFuture<String> call : calls) {
                assertThat(await(call, OPERATION_TIMEOUT.plus(SLACK))).isEqualTo("fresh");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(OPERATION_TIMEOUT.plus(SLACK));
        } finally {
            server.resume();
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(cache.blocking().get("k")).isEqualTo("cached"));
    }

    /**
     * The server freezes (longer than the operation timeout) just as a flight's leader stores the
     * value it produced, with 199 callers waiting on that flight: no caller waits for the hung store
     * (then a read of its own) past the operation timeout, even with the breaker closed; each gets the
     * produced value, and the store lands once the server is back.
     */
    @Test
    void aStoreHungByAPausedServerHoldsUpNoCallerPastTheOperationTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        // The breaker stays closed: the bound is the guard's own, not the breaker cutting the backend off.
        ZodiacCache frozen = manager.setup(prefix + "-frozen", on(server).name(prefix + "-frozen").operationTimeout(timeout)
                .circuitBreaker(100_000, Duration.ofSeconds(1)).build());
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(Duration.ofSeconds(2))
                .ttl(Duration.ofMinutes(5));
        CompletableFuture<String> value = new CompletableFuture<>();
        CountDownLatch producing = new CountDownLatch(1);
        AtomicInteger produced = new AtomicInteger();
        Supplier<CompletionStage<String>> producer = () -> {
            produced.incrementAndGet();
            producing.countDown();
            return value;
        };

        List<CompletableFuture<String>> calls = new ArrayList<>();
        calls.add(frozen.getOrSet("k", producer, options));
        assertThat(producing.await(10, TimeUnit.SECONDS)).isTrue(); // the leader holds the lock and produces
        for (int i = 1; i < 200; i++) {
            calls.add(frozen.getOrSet("k", producer, options)); // they join the flight
        }
        AtomicLong slowest = new AtomicLong();
        server.pause();
        try {
            long released = System.nanoTime();
            for (CompletableFuture<String> call : calls) {
                call.whenComplete((result, error) -> slowest.accumulateAndGet(System.nanoTime() - released, Math::max));
            }
            value.complete("value"); // the leader's store now hangs
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            server.resume();
        }

        for (CompletableFuture<String> call : calls) {
            assertThat(call.join()).isEqualTo("value");
        }
        assertThat(Duration.ofNanos(slowest.get())).isLessThan(timeout.plus(SLACK));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(frozen.blocking().get("k")).isEqualTo("value"));
    }

    @Test
    void restartedOnTheSamePortTheCacheRecoversByItself() {
        cache.blocking().set("k", "before");
        server.kill();
        assertThat(failure(cache.get("k"))).isInstanceOf(Exception.class);
        assertThat(cache.blocking().getOrSet("k", () -> "from the source")).isEqualTo("from the source");

        server.restart();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(cache.blocking().set("k", "after")).isTrue();
            assertThat(cache.blocking().get("k")).isEqualTo("after");
        });
        // The release channel is subscribed again: a release published now reaches this cache.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(server.command("PUBLISH", channel(), "k")).isEqualTo("1"));
        CompletableFuture<Void> released = ((DefaultZodiacCache) cache).backend().releaseSignal("k");
        server.command("PUBLISH", channel(), "k");
        await(released, Duration.ofSeconds(5));
    }

    @Test
    void aLostReleaseMessageCostsAtMostTheLease() {
        server.command("SET", "zodiac_lock:" + prefix + ":k", "another-process", "PX", "60000");
        AtomicInteger produced = new AtomicInteger();
        Duration lease = Duration.ofSeconds(1);
        long start = System.nanoTime();
        CompletableFuture<String> waiter = cache.getOrSet("k",
                () -> CompletableFuture.completedFuture("produced " + produced.incrementAndGet()),
                GetOrSetOptions.<String>defaults().lease(lease));
        RedisBackend backend = (RedisBackend) ((DefaultZodiacCache) cache).backend();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.signals().waitingKeys() == 1);

        // The holder stores and releases without a message (as if the message were lost).
        server.command("SET", "zodiac_cache:" + prefix + ":k", "\"stored by the holder\"");
        server.command("DEL", "zodiac_lock:" + prefix + ":k");

        assertThat(await(waiter, lease.plus(SLACK))).isEqualTo("stored by the holder");
        assertThat(produced).hasValue(0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(lease.plus(SLACK));
    }

    @Test
    void aDroppedPubSubConnectionNeverStrandsAWaiterAndIsSubscribedAgain() {
        server.command("SET", "zodiac_lock:" + prefix + ":k", "another-process", "PX", "60000");
        Duration lease = Duration.ofSeconds(1);
        CompletableFuture<String> waiter = cache.getOrSet("k", () -> CompletableFuture.completedFuture("produced"),
                GetOrSetOptions.<String>defaults().lease(lease));
        RedisBackend backend = (RedisBackend) ((DefaultZodiacCache) cache).backend();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.signals().waitingKeys() == 1);

        server.command("CLIENT", "KILL", "TYPE", "pubsub");
        server.command("SET", "zodiac_cache:" + prefix + ":k", "\"stored by the holder\"");
        server.command("DEL", "zodiac_lock:" + prefix + ":k");
        server.command("PUBLISH", channel(), "k");

        assertThat(await(waiter, lease.plus(SLACK))).isEqualTo("stored by the holder");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(server.command("PUBLISH", channel(), "other")).isEqualTo("1"));
    }
}
