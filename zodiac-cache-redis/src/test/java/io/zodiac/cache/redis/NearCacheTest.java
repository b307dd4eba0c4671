package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.failure;
import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis near cache: local reads, invalidation by the server whoever changes the key, the read
 * race under load, and the local copy dropped while tracking is down.
 */
class NearCacheTest extends NearCacheTesting {

    /** Generous: CI machines are slower than a laptop; the point is "bounded". */
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration OPERATION_TIMEOUT = Duration.ofMillis(500);

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    private final RedisServer server = REDIS.server();

    NearCacheTest(TestInfo test) {
        super("near-" + test.getTestMethod().orElseThrow().getName(), () -> on(REDIS.server()), OPERATION_TIMEOUT, WAIT);
    }

    @Override
    protected void ensureRunning() {
        server.ensureRunning();
    }

    /** Reads {@code key} once through the cache and waits until the value is held locally. */
    private void install(String key, String expected) {
        assertThat(read(key)).isEqualTo(expected);
        await().atMost(WAIT).until(() -> read(key) != null && near.localSize() > 0);
    }

    /** The calls of {@code command} the server has served since the last {@code CONFIG RESETSTAT}. */
    private long calls(String command) {
        Matcher matcher = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(server.command("INFO", "commandstats"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    @Test
    void aLocalHitCostsNoRoundTripAndGetOrSetNoLock() {
        cache.set("k", "v1").join();
        install("k", "v1");
        server.command("CONFIG", "RESETSTAT");
        long hits = events.count(CacheEvent.Kind.NEAR_HIT);
        AtomicInteger produced = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            assertThat(read("k")).isEqualTo("v1");
            assertThat(cache.getOrSet("k", () -> {
                produced.incrementAndGet();
                return CompletableFuture.completedFuture("other");
            }).join()).isEqualTo("v1");
            assertThat(cache.exists("k").join()).isTrue();
        }
        assertThat(produced).hasValue(0);
        assertThat(calls("get") + calls("pttl") + calls("set") + calls("exists")).isZero();
        assertThat(events.count(CacheEvent.Kind.NEAR_HIT) - hits).isGreaterThanOrEqualTo(200);
    }

    /**
     * Without plugins a local hit is served in the calling thread (no future, no breaker): still no
     * round trip for get, the blocking view and getOrSet, and still never a copy older than a change.
     */
    @Test
    void withoutPluginsALocalHitIsServedInTheCallingThreadAndStillInvalidated() {
        ZodiacCache silent = manager.setup("near-silent", on(server).name("silent").serializer("string").operationTimeout(OPERATION_TIMEOUT)
                .nearCache(NearCache.maximumSize(100)).build());
        NearCacheBackend silentNear = (NearCacheBackend) ((DefaultZodiacCache) silent).backend();
        await().atMost(WAIT).until(silentNear::tracking);
        silent.set("k", "v1").join();
        assertThat(silent.get("k").join()).isEqualTo("v1");
        await().atMost(WAIT).until(() -> silentNear.localSize() > 0);
        server.command("CONFIG", "RESETSTAT");
        AtomicInteger produced = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            assertThat(silent.get("k", String.class).join()).isEqualTo("v1");
            assertThat(silent.blocking().get("k", String.class)).isEqualTo("v1");
            assertThat(silent.blocking().getOrSet("k", () -> {
                produced.incrementAndGet();
                return "other";
            }, GetOrSetOptions.<String>defaults().type(String.class))).isEqualTo("v1");
        }
        assertThat(produced).hasValue(0);
        assertThat(calls("get") + calls("pttl") + calls("set")).isZero();

        server.command("SET", silent.namespace() + ":k", "v2");
        await().atMost(WAIT).until(() -> "v2".equals(silent.blocking().get("k", String.class)));
        assertThat(silent.get("k", String.class).join()).isEqualTo("v2");
    }

    @Test
    void aChangeByAnotherClientRemovesTheLocalCopy() {
        cache.set("k", "v1").join();
        install("k", "v1");
        server.command("SET", redisKey("k"), "v2"); // as redis-cli would
        await().atMost(WAIT).until(() -> "v2".equals(read("k")));
        assertThat(events.count(CacheEvent.Kind.NEAR_INVALIDATION)).isPositive();

        other.set("k", "v3").join(); // another JVM
        await().atMost(WAIT).until(() -> "v3".equals(read("k")));

        server.command("DEL", redisKey("k"));
        await().atMost(WAIT).until(() -> read("k") == null);
    }

    @Test
    void writesThroughThisCacheAreReadBackAtOnce() {
        cache.set("k", "v1").join();
        install("k", "v1");
        cache.set("k", "v2").join();
        assertThat(read("k")).isEqualTo("v2");
        assertThat(cache.increment("n", 1).join()).isEqualTo(1L);
        assertThat(read("n")).isEqualTo("1");
        assertThat(cache.increment("n", 1).join()).isEqualTo(2L);
        assertThat(read("n")).isEqualTo("2");
        cache.delete("k").join();
        assertThat(read("k")).isNull();
    }

    @Test
    void expiryOnTheServerRemovesTheLocalCopy() {
        cache.set("k", "v1").join();
        install("k", "v1");
        server.command("PEXPIRE", redisKey("k"), "300");
        await().atMost(WAIT).until(() -> read("k") == null);

        cache.set("t", "v1", Duration.ofMillis(300)).join();
        assertThat(read("t")).isIn("v1", null);
        await().atMost(WAIT).until(() -> read("t") == null);
    }

    /**
     * The local copy knows when the server's entry expires: with the server's active expiry off, an
     * expired key sends no invalidation until it is accessed, and still no copy is served past its TTL.
     */
    @Test
    void aCopyIsNeverServedPastTheServersTtlEvenBeforeTheServerDropsTheKey() {
        server.command("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        try {
            cache.set("t", "v1", Duration.ofMillis(500)).join();
            install("t", "v1");
            // nothing tells this JVM that the key expired: the copy goes by its own deadline, and the
            // read after it finds the key expired on the server
            await().atMost(WAIT).until(() -> read("t") == null);
            assertThat(near.localSize()).isZero();
        } finally {
            server.command("DEBUG", "SET-ACTIVE-EXPIRE", "1");
        }
    }

    /** {@code NearCache.ttl} bounds how long a copy is used: then the value is read from the server again. */
    @Test
    void theNearCacheTtlDropsALocalCopyThatTheServerStillHolds() {
        ZodiacCache brief = manager.setup("near-ttl", on(server).name("brief").serializer("string").operationTimeout(OPERATION_TIMEOUT)
                .nearCache(NearCache.maximumSize(100).ttl(Duration.ofMillis(300))).build());
        NearCacheBackend briefNear = (NearCacheBackend) ((DefaultZodiacCache) brief).backend();
        await().atMost(WAIT).until(briefNear::tracking);
        brief.set("k", "v1").join();
        assertThat(brief.get("k").join()).isEqualTo("v1");
        await().atMost(WAIT).until(() -> briefNear.localSize() > 0);
        await().atMost(WAIT).until(() -> briefNear.localSize() == 0);
        server.command("CONFIG", "RESETSTAT");
        assertThat(brief.get("k").join()).isEqualTo("v1");
        assertThat(calls("get")).isEqualTo(1);
        assertThat(server.command("PTTL", brief.namespace() + ":k")).isEqualTo("-1");
    }

    /**
     * A write through this cache to a key it holds comes back as the server's invalidation, like
     * anyone's change: that invalidation carries the lag from the write's start. A change by
     * another client, whose start this process cannot see, carries none; nor does a write to a key
     * not held here (no invalidation comes for it).
     */
    @Test
    void aWriteToAHeldKeyReportsItsInvalidationLag() {
        cache.set("k", "v1").join();
        install("k", "v1");
        long started = System.nanoTime();
        cache.set("k", "v2").join();
        await().atMost(WAIT).until(() -> events.lags.containsKey("k"));
        Duration lag = events.lags.get("k");
        assertThat(lag).isPositive().isLessThanOrEqualTo(Duration.ofNanos(System.nanoTime() - started));

        install("k", "v2");
        long invalidations = events.count(CacheEvent.Kind.NEAR_INVALIDATION);
        other.set("k", "v3").join();
        await().atMost(WAIT).until(() -> events.count(CacheEvent.Kind.NEAR_INVALIDATION) > invalidations);
        assertThat(events.lags.get("k")).isSameAs(lag);

        cache.set("never-read", "v").join();
        assertThat(read("k")).isEqualTo("v3");
        assertThat(events.lags).containsOnlyKeys("k");
    }

    /**
     * Whoever takes a key's lock (a refresh, a {@code getOrSet} that missed) reads the server's value
     * next, not the local copy: the previous holder's write may be newer than any invalidation that
     * has arrived yet, and a refresh that read the copy would run again.
     */
    @Test
    void aLockHolderReadsTheServersValueNotTheLocalCopy() {
        cache.set("k", "v1").join();
        install("k", "v1");
        server.command("CONFIG", "RESETSTAT");
        assertThat(near.tryLock("k", "token", Duration.ofSeconds(10)).join()).isTrue();
        assertThat(near.localSize()).isZero();
        assertThat(read("k")).isEqualTo("v1");
        assertThat(calls("get")).isEqualTo(1);
        assertThat(near.unlock("k", "token").join()).isTrue();
        assertThat(near.tryLock("k", "other", Duration.ofSeconds(10)).join()).isTrue();
        assertThat(near.tryLock("k", "third", Duration.ofSeconds(10)).join()).as("held: a lock not taken drops nothing").isFalse();
        await().atMost(WAIT).until(() -> read("k") != null && near.localSize() == 1);
        assertThat(near.tryLock("k", "third", Duration.ofSeconds(10)).join()).isFalse();
        assertThat(near.localSize()).isEqualTo(1);
    }

    /** {@code multiGet} installs what it reads, like {@code get}: the next one costs no round trip, and a change still reaches it. */
    @Test
    void multiGetServesHeldKeysAndInstallsTheOthers() {
        other.multiSet(Map.of("a", "1", "b", "2", "c", "3"), null).join();
        install("a", "1");
        List<String> keys = List.of("a", "b", "c", "absent", "b");
        assertThat(cache.multiGet(keys).join()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"));
        await().atMost(WAIT).until(() -> near.localSize() == 3);

        server.command("CONFIG", "RESETSTAT");
        long hits = events.count(CacheEvent.Kind.NEAR_HIT);
        assertThat(cache.multiGet(List.of("c", "a", "b")).join()).containsExactly(Map.entry("c", "3"), Map.entry("a", "1"),
                Map.entry("b", "2"));
        assertThat(calls("get") + calls("mget") + calls("pttl")).isZero();
        assertThat(events.count(CacheEvent.Kind.NEAR_HIT) - hits).isEqualTo(3);

        server.command("SET", redisKey("b"), "two"); // as redis-cli would: the server invalidates the copy multiGet installed
        await().atMost(WAIT).until(() -> "two".equals(cache.multiGet(keys).join().get("b")));
    }

    /** A {@code multiSet} to keys held here is timed like a {@code set}: each held key's invalidation carries its lag. */
    @Test
    void aMultiSetToHeldKeysReportsTheirInvalidationLag() {
        other.multiSet(Map.of("a", "1", "b", "2"), null).join();
        install("a", "1");
        install("b", "2");
        long started = System.nanoTime();
        cache.multiSet(Map.of("a", "10", "b", "20", "never-read", "30"), null).join();
        await().atMost(WAIT).until(() -> events.lags.keySet().containsAll(List.of("a", "b")));
        Duration bound = Duration.ofNanos(System.nanoTime() - started);
        assertThat(events.lags.values()).allSatisfy(lag -> assertThat(lag).isPositive().isLessThanOrEqualTo(bound));
        assertThat(cache.multiGet(List.of("a", "b", "never-read")).join()).containsEntry("a", "10").containsEntry("b", "20")
                .containsEntry("never-read", "30");
        assertThat(events.lags).containsOnlyKeys("a", "b");
    }

    @Test
    void flushdbRemovesEveryLocalCopy() {
        cache.set("a", "1").join();
        cache.set("b", "2").join();
        install("a", "1");
        install("b", "2");
        server.command("FLUSHDB");
        await().atMost(WAIT).until(() -> read("a") == null && read("b") == null);
        assertThat(near.localSize()).isZero();
    }

    /**
     * The read race under load: two writers (this cache and another client) and four readers on a
     * few hot keys for about three seconds; once the writers stop, every local copy converges to
     * the server's value (a stale copy installed after its invalidation would never be fixed).
     */
    @Test
    void noStaleCopyOutlivesConcurrentWrites() throws Exception {
        List<String> keys = List.of("h0", "h1", "h2");
        for (String key : keys) {
            other.set(key, "0").join();
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicBoolean reading = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int w = 0; w < 2; w++) {
            ZodiacCache target = w == 0 ? cache : other;
            String writer = "w" + w;
            writers.add(new Thread(() -> run(start, errors, () -> {
                long n = 0;
                while (writing.get()) {
                    for (String key : keys) {
                        target.set(key, writer + "-" + n++).get(10, TimeUnit.SECONDS);
                    }
                }
            })));
        }
        for (int r = 0; r < 4; r++) {
            readers.add(new Thread(() -> run(start, errors, () -> {
                while (reading.get()) {
                    for (String key : keys) {
                        cache.get(key).get(10, TimeUnit.SECONDS);
                    }
                }
            })));
        }
        writers.forEach(Thread::start);
        readers.forEach(Thread::start);
        long hits = events.count(CacheEvent.Kind.NEAR_HIT);
        start.countDown();
        // a bounded run: about three seconds of contention
        assertThat(new CountDownLatch(1).await(3, TimeUnit.SECONDS)).isFalse();
        writing.set(false);
        for (Thread writer : writers) {
            writer.join(WAIT.toMillis());
        }
        // readers keep going a little while the last invalidations arrive, then stop
        reading.set(false);
        for (Thread reader : readers) {
            reader.join(WAIT.toMillis());
        }
        assertThat(errors).isEmpty();
        assertThat(events.count(CacheEvent.Kind.NEAR_HIT)).as("local hits during the run").isGreaterThan(hits);
        for (String key : keys) {
            String truth = (String) other.get(key).join();
            await().atMost(WAIT).untilAsserted(() -> assertThat(read(key)).isEqualTo(truth));
        }
        // and they stay so: read again, all local by now
        for (int i = 0; i < 100; i++) {
            for (String key : keys) {
                assertThat(read(key)).isEqualTo(other.get(key).join());
            }
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void run(CountDownLatch start, ConcurrentLinkedQueue<Throwable> errors, Body body) {
        try {
            start.await();
            body.run();
        } catch (Throwable e) {
            errors.add(e);
        }
    }

    /**
     * The guard itself, deterministically: an invalidation that reaches the near cache while a read
     * of its key is in flight (as one can overtake the reply when it comes on another connection)
     * keeps the value that read from being installed; the read still returns it.
     */
    @Test
    void aReadInFlightWhenItsKeyIsInvalidatedInstallsNothing() {
        ZodiacCache slow = manager.setup("near-in-flight", on(server).name("slow").serializer("string")
                .operationTimeout(Duration.ofSeconds(30)).nearCache(NearCache.maximumSize(10)).build());
        NearCacheBackend slowNear = (NearCacheBackend) ((DefaultZodiacCache) slow).backend();
        await().atMost(WAIT).until(slowNear::tracking);
        slow.set("k", "v1").join();
        CompletableFuture<Object> inFlight;
        server.pause();
        try {
            inFlight = slow.get("k");                          // sent; the frozen server holds the reply
            slowNear.invalidated(slow.namespace() + ":k");     // the invalidation arrives first
        } finally {
            server.resume();
        }
        assertThat(inFlight.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo("v1");
        assertThat(slowNear.localSize()).isZero();
        // the next read installs it
        assertThat(slow.get("k").join()).isEqualTo("v1");
        assertThat(slowNear.localSize()).isEqualTo(1);
    }

    @Test
    void whileRedisIsDownTheLocalCopyIsNotUsedAndTrackingComesBackAfterARestart() {
        cache.set("k", "v1").join();
        install("k", "v1");
        server.kill();
        await().atMost(WAIT).until(() -> !near.tracking());
        assertThat(near.localSize()).isZero();
        assertThat(failure(cache.get("k"))).isNotNull(); // not the local copy: the server is gone

        server.restart();
        await().atMost(WAIT).until(near::tracking);
        other.set("k", "v2").join(); // the restarted server starts empty
        await().atMost(WAIT).until(() -> "v2".equals(read("k")));
        install("k", "v2");
        // tracking is on again: a change by another client still reaches the local copy
        server.command("SET", redisKey("k"), "v3");
        await().atMost(WAIT).until(() -> "v3".equals(read("k")));
        for (int i = 0; i < 100; i++) {
            assertThat(read("k")).isEqualTo("v3"); // 0 stale reads after recovery
        }
    }

    @Test
    void aPausePastTheTimeoutLosesNoInvalidation() throws Exception {
        cache.set("k", "v1").join();
        install("k", "v1");
        server.pause();
        try {
            // a key without a local copy goes to the frozen server and times out
            assertThat(failure(cache.get("cold"))).isNotNull();
            // a write queued by another client while the server is frozen
            CompletableFuture<Boolean> write = other.set("k", "v2");
            server.resume();
            assertThat(write.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        } finally {
            server.ensureRunning();
        }
        await().atMost(WAIT).until(() -> "v2".equals(read("k")));
        for (int i = 0; i < 100; i++) {
            assertThat(read("k")).isEqualTo("v2"); // 0 stale reads after recovery
        }
        server.command("SET", redisKey("k"), "v3");
        await().atMost(WAIT).until(() -> "v3".equals(read("k")));
    }
}
