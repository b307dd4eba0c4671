package io.zodiac.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.MemcachedExtension;
import io.zodiac.cache.testkit.MemcachedServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every operation against a real memcached. */
@Timeout(60)
class MemcachedCacheTest {

    @RegisterExtension
    static final MemcachedExtension MEMCACHED = MemcachedExtension.create();
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final CacheManager manager = new CacheManager();
    private final String prefix = "test" + PREFIXES.incrementAndGet();
    private final ZodiacCache cache = setup(manager, prefix, "json");
    private final BlockingCache blocking = cache.blocking();

    @AfterEach
    void close() {
        manager.close();
    }

    static ZodiacCache setup(CacheManager manager, String prefix, String serializer) {
        return manager.setup(prefix, CacheConfig.fromUri("memcached://" + MEMCACHED.address()).name(serializer)
                .serializer(serializer).build());
    }

    @Test
    void setGetExistsDelete() {
        assertThat(blocking.get("k")).isNull();
        assertThat(blocking.exists("k")).isFalse();
        assertThat(blocking.set("k", Map.of("name", "zodiac"))).isTrue();
        assertThat(blocking.get("k")).isEqualTo(Map.of("name", "zodiac"));
        assertThat(blocking.exists("k")).isTrue();
        assertThat(blocking.delete("k")).isTrue();
        assertThat(blocking.delete("k")).isFalse();
        assertThat(blocking.get("k")).isNull();

        blocking.set("null", null);
        assertThat(blocking.get("null")).isNull();
        assertThat(blocking.exists("null")).as("a stored null exists").isTrue();
    }

    @Test
    void addStoresOnlyWhenAbsent() {
        assertThat(blocking.add("k", "first", null)).isTrue();
        assertThat(blocking.add("k", "second", null)).isFalse();
        assertThat(blocking.get("k")).isEqualTo("first");
    }

    @Test
    void multiSetAndMultiGet() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("a", 1);
        values.put("b b", "two");
        values.put("c".repeat(300), List.of(3));
        assertThat(blocking.multiSet(values, Duration.ofMinutes(1))).isTrue();
        assertThat(blocking.multiGet(List.of("a", "missing", "b b", "c".repeat(300)))).isEqualTo(values);
        assertThat(blocking.multiGet(List.of())).isEmpty();
    }

    @Test
    void oddKeysWorkAndNeverMeet() {
        String longKey = "x".repeat(299);
        List<String> keys = List.of(longKey + "a", longKey + "b", "with space", "new\nline", "tab\t", "nul\u0000",
                "ключ 🔑", "日本語", "", "h:abc", "\uD800", "?", "k", "k-lock");
        for (String key : keys) {
            blocking.set(key, "value of " + key);
        }
        for (String key : keys) {
            assertThat(blocking.get(key)).as("get of %s", key).isEqualTo("value of " + key);
            assertThat(blocking.exists(key)).isTrue();
        }
        String odd = "a key with spaces,\r\nnewlines and ünïcödé " + "…".repeat(100);
        assertThat(blocking.increment(odd, 2)).isEqualTo(2);
        assertThat(blocking.expire(odd, Duration.ofMinutes(1))).isTrue();
        assertThat(blocking.delete(odd)).isTrue();
        assertThat(blocking.getOrSet(odd, () -> "produced")).isEqualTo("produced");
        assertThat(blocking.get(odd)).isEqualTo("produced");
    }

    @Test
    void valuesAndLocksLiveUnderTheNamespace() {
        blocking.set("user:1", "v");
        String namespace = "zodiac_cache:" + prefix;
        String generation = MEMCACHED.server().command("get " + namespace + ":__gen").split("\r\n")[1];
        assertThat(generation).containsOnlyDigits();
        assertThat(MEMCACHED.server().command("get " + namespace + ":user:1#" + generation)).contains("\"v\"");

        assertThat(((DefaultZodiacCache) cache).backend().tryLock("user:1", "token-1", Duration.ofSeconds(5)).join()).isTrue();
        assertThat(MEMCACHED.server().command("get " + namespace + ":user:1-lock")).contains("token-1");
    }

    @Test
    void ttlsExpire() {
        blocking.set("short", "v", Duration.ofSeconds(3));
        assertThat(blocking.get("short")).as("lives more than 2 s (memcached's clock ticks by the second)").isEqualTo("v");
        await().atMost(Duration.ofSeconds(6)).until(() -> blocking.get("short") == null);

        blocking.set("touched", "v");
        assertThat(blocking.expire("touched", Duration.ofMillis(1500))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !blocking.exists("touched"));
        assertThat(blocking.expire("touched", Duration.ofSeconds(1))).as("absent").isFalse();
    }

    @Test
    void ttlsOverThirtyDaysAreAbsoluteTimes() {
        // Sent as relative seconds, memcached would read 31 days as a unix time in 1970: expired at once.
        blocking.set("long-lived", "v", Duration.ofDays(31));
        assertThat(blocking.get("long-lived")).isEqualTo("v");
        assertThat(blocking.expire("long-lived", Duration.ofDays(400))).isTrue();
        assertThat(blocking.get("long-lived")).isEqualTo("v");
        blocking.set("forever", "v", Duration.ofDays(365L * 300));
        assertThat(blocking.get("forever")).isEqualTo("v");
    }

    @Test
    void ttlAndKeysAreUnsupported() {
        blocking.set("k", "v");
        assertThatThrownBy(() -> cache.ttl("k").join()).hasCauseInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("meta protocol");
        assertThatThrownBy(() -> cache.keys("", 10).join()).hasCauseInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void incrementStartsMissingCountersAndStaysReadable() {
        assertThat(blocking.increment("n", 5)).isEqualTo(5);
        assertThat(blocking.increment("n", 2)).isEqualTo(7);
        assertThat(blocking.get("n")).as("json reads the digits").isEqualTo(7);
        assertThat(blocking.increment("n", -3)).isEqualTo(4);
        assertThat(blocking.increment("n", -10)).as("memcached counters stop at 0").isZero();
        assertThat(blocking.increment("fresh", -1)).isZero();

        BlockingCache strings = setup(manager, prefix, "string").blocking();
        assertThat(strings.increment("s", 12)).isEqualTo(12);
        assertThat(strings.get("s")).isEqualTo("12");
    }

    @Test
    void incrementOfANonIntegerFails() {
        blocking.set("text", "abc");
        assertThatThrownBy(() -> blocking.increment("text", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("value of key 'text' is not an unsigned integer");
    }

    @Test
    void concurrentIncrementsOfAMissingKeyCountEveryOne() {
        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(cache.increment("race", 1));
        }
        List<Long> values = results.stream().map(CompletableFuture::join).sorted().collect(Collectors.toList());
        assertThat(values).isEqualTo(LongStream.rangeClosed(1, 50).boxed().collect(Collectors.toList()));
        assertThat(blocking.get("race")).isEqualTo(50);
    }

    @Test
    void clearRemovesOnlyItsOwnNamespace() {
        ZodiacCache other = manager.setup(prefix + "-other", CacheConfig.fromUri("memcached://" + MEMCACHED.address())
                .name("other").build());
        blocking.set("k", "mine");
        blocking.increment("n", 3);
        other.blocking().set("k", "theirs");

        assertThat(blocking.clear()).isTrue();
        assertThat(blocking.get("k")).isNull();
        assertThat(blocking.exists("n")).isFalse();
        assertThat(other.blocking().get("k")).isEqualTo("theirs");

        assertThat(blocking.add("k", "again", null)).as("absent after clear").isTrue();
        assertThat(blocking.increment("n", 1)).as("counters restart").isEqualTo(1);
        assertThat(blocking.get("k")).isEqualTo("again");
    }

    @Test
    void aClearByAnotherProcessIsSeenAtOnce() {
        try (CacheManager elsewhere = new CacheManager()) {
            BlockingCache remote = setup(elsewhere, prefix, "json").blocking();
            blocking.set("k", "before");
            assertThat(remote.get("k")).isEqualTo("before");

            remote.clear();
            assertThat(blocking.get("k")).isNull();
            assertThat(blocking.add("k", "after", null)).isTrue();
            assertThat(remote.get("k")).isEqualTo("after");
        }
    }

    @Test
    void aFlushedServerStartsANewGeneration() {
        blocking.set("k", "v");
        MEMCACHED.server().flushAll();
        assertThat(blocking.get("k")).isNull();
        blocking.set("k", "w");
        assertThat(blocking.get("k")).isEqualTo("w");
    }

    @Test
    void severalServersShareTheKeys() {
        try (MemcachedServer second = MemcachedServer.start(); CacheManager elsewhere = new CacheManager()) {
            BlockingCache spread = elsewhere.setup(prefix, CacheConfig.builder().backend("memcached")
                    .option("servers", List.of(MEMCACHED.address(), second.address())).build()).blocking();
            for (int i = 0; i < 40; i++) {
                spread.set("k" + i, i);
            }
            for (int i = 0; i < 40; i++) {
                assertThat(spread.get("k" + i)).isEqualTo(i);
            }
            assertThat(items(second)).as("the second server holds some of the keys, not all").isBetween(1, 40);
            spread.clear();
            assertThat(spread.multiGet(List.of("k0", "k1", "k2", "k3", "k4", "k5"))).isEmpty();
        }
    }

    private static int items(MemcachedServer server) {
        for (String line : server.command("stats").split("\r\n")) {
            if (line.startsWith("STAT curr_items ")) {
                return Integer.parseInt(line.substring("STAT curr_items ".length()));
            }
        }
        throw new AssertionError("no curr_items in stats");
    }

    @Test
    void lockIsHeldByOneTokenAndReleasedOnlyByIt() {
        Backend backend = ((DefaultZodiacCache) cache).backend();
        Duration lease = Duration.ofSeconds(5);
        assertThat(backend.tryLock("k", "one", lease).join()).isTrue();
        assertThat(backend.tryLock("k", "two", lease).join()).isFalse();
        assertThat(backend.unlock("k", "two").join()).as("not the holder").isFalse();
        assertThat(backend.tryLock("k", "two", lease).join()).as("still held").isFalse();

        CompletableFuture<Void> released = backend.releaseSignal("k");
        assertThat(released).isNotDone();
        assertThat(backend.unlock("k", "one").join()).isTrue();
        released.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(backend.unlock("k", "one").join()).as("already released").isFalse();
        assertThat(backend.tryLock("k", "two", lease).join()).isTrue();
    }

    @Test
    void lockExpiresAfterItsLease() {
        Backend backend = ((DefaultZodiacCache) cache).backend();
        assertThat(backend.tryLock("k", "crashed", Duration.ofMillis(200)).join()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.tryLock("k", "next", Duration.ofSeconds(5)).join());
        assertThat(backend.unlock("k", "crashed").join()).as("the expired holder cannot release the new one").isFalse();
    }

    @Test
    void getOrSetRunsTheProducerOnceForConcurrentCallers() {
        AtomicInteger calls = new AtomicInteger();
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(cache.getOrSet("cold", () -> {
                calls.incrementAndGet();
                return CompletableFuture.supplyAsync(() -> "produced",
                        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
            }));
        }
        assertThat(results).allSatisfy(result -> assertThat(result.join()).isEqualTo("produced"));
        assertThat(calls).hasValue(1);
        assertThat(blocking.get("cold")).isEqualTo("produced");
        assertThat(((DefaultZodiacCache) cache).backend().tryLock("cold", "after", Duration.ofSeconds(1)).join()).as("released").isTrue();
    }

    @Test
    void aFailingProducerStoresNothingAndReleasesTheLock() {
        CompletableFuture<Object> failed = cache.getOrSet("k",
                () -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
        assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("boom");
        assertThat(blocking.exists("k")).isFalse();
        assertThat(((DefaultZodiacCache) cache).backend().tryLock("k", "after", Duration.ofSeconds(1)).join()).isTrue();
    }

    @Test
    void aValueOverTheItemSizeLimitFailsAloneAndClearly() {
        BlockingCache bytes = setup(manager, prefix, "bytes").blocking();
        assertThatThrownBy(() -> bytes.set("big", new byte[2 * 1024 * 1024])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item size limit");
        // Small enough for the client, too large for the server once its item header is added.
        assertThatThrownBy(() -> bytes.set("big", new byte[1024 * 1024 - 16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item size limit");
        assertThat(bytes.set("small", new byte[] {1})).isTrue();
        assertThat((byte[]) bytes.get("small")).containsExactly(1);
    }
}
