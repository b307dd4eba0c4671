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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only the memcached backend does: its key layout, generations, several servers, its lock and
 * item size limit. The operations every backend shares are the cache contract's
 * ({@link MemcachedContractTest}).
 */
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

    /** Unpaired surrogates have no UTF-8 form: hashed, they never meet "?" (what a UTF-8 encoder makes of them). */
    @Test
    void keysWithoutAUtf8FormAreHashedAndNeverMeetOthers() {
        List<String> keys = List.of("\uD800", "\uDC00", "?", "unpaired\uD800 ?");
        for (String key : keys) {
            blocking.set(key, "value of " + key);
        }
        for (String key : keys) {
            assertThat(blocking.get(key)).as("get of %s", key).isEqualTo("value of " + key);
        }
    }

    @Test
    void valuesLiveUnderTheNamespaceAndLocksOutsideIt() {
        blocking.set("user:1", "v");
        String namespace = "zodiac_cache:" + prefix;
        String generation = MEMCACHED.server().command("get " + namespace + ":__gen").split("\r\n")[1];
        assertThat(generation).containsOnlyDigits();
        assertThat(MEMCACHED.server().command("get " + namespace + ":user:1#" + generation)).contains("\"v\"");

        assertThat(((DefaultZodiacCache) cache).backend().tryLock("user:1", "token-1", Duration.ofSeconds(5)).join()).isTrue();
        assertThat(MEMCACHED.server().command("get zodiac_lock:" + prefix + ":user:1")).as("the lock, outside the namespace")
                .contains("token-1");
        assertThat(MEMCACHED.server().command("get " + namespace + ":user:1-lock")).doesNotContain("token-1");
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

    /**
     * With max_value_size raised past what the server takes (the default stays under it), the
     * server's own refusal still fails the write alone and clearly.
     */
    @Test
    void aValueOverTheItemSizeLimitFailsAloneAndClearly() {
        BlockingCache bytes = manager.setup(prefix + "-bytes", CacheConfig.fromUri("memcached://" + MEMCACHED.address()
                + "?max_value_size=4m").name("bytes").serializer("bytes").build()).blocking();
        assertThatThrownBy(() -> bytes.set("big", new byte[2 * 1024 * 1024])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item size limit");
        // Small enough for the client, too large for the server once its item header is added.
        assertThatThrownBy(() -> bytes.set("big", new byte[1024 * 1024 - 16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item size limit");
        assertThat(bytes.set("small", new byte[] {1})).isTrue();
        assertThat((byte[]) bytes.get("small")).containsExactly(1);
    }
}
