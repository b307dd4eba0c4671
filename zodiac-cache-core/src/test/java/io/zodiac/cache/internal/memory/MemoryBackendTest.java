package io.zodiac.cache.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryBackendTest {

    private final CacheManager manager = new CacheManager();
    private final ZodiacCache cache = manager.setup("memory", CacheConfig.defaults());
    private final MemoryBackend backend = (MemoryBackend) ((DefaultZodiacCache) cache).backend();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void expiredEntriesThatNobodyReadsAgainAreSweptAway() {
        for (int i = 0; i < 100; i++) {
            cache.set("short" + i, i, Duration.ofMillis(20)).join();
        }
        cache.set("kept", "v", Duration.ofMinutes(5)).join();
        cache.set("forever", "v").join();
        assertThat(backend.estimatedSize().getAsLong()).isEqualTo(102);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            backend.sweep();
            return backend.estimatedSize().getAsLong() == 2;
        });
        assertThat(cache.get("kept").join()).isEqualTo("v");
        assertThat(cache.get("forever").join()).isEqualTo("v");
    }

    @Test
    void getNowReadsWhatGetReadsAndLeavesExpiredEntriesOut() {
        cache.set("k", "v").join();
        cache.set("nothing", null).join();
        cache.set("short", "v", Duration.ofMillis(10)).join();
        assertThat(backend.getNow("k")).isEqualTo("v").isEqualTo(backend.get("k").join());
        assertThat(backend.getNow("nothing")).as("a stored null reaches the backend encoded, as a value").isNotNull()
                .isSameAs(backend.get("nothing").join());
        assertThat(backend.getNow("absent")).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.getNow("short") == null);
        assertThat(backend.estimatedSize().getAsLong()).as("the expired entry was removed when read").isEqualTo(2);
    }

    @Test
    void anExpiredEntryIsRemovedWhenRead() {
        cache.set("k", "v", Duration.ofMillis(10)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("k").join() == null);
        assertThat(backend.estimatedSize().getAsLong()).isZero();
    }

    @Test
    void addReplacesAnExpiredEntryAndExpireCannotReviveOne() {
        cache.set("k", "old", Duration.ofMillis(10)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.ttl("k").join() == null);
        cache.set("k", "old", Duration.ofMillis(10)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> !cache.expire("k", Duration.ofMinutes(1)).join());
        cache.set("k", "old", Duration.ofMillis(10)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.add("k", "new", null).join());
        assertThat(cache.get("k").join()).isEqualTo("new");
        assertThat(cache.ttl("k").join()).isEqualTo(io.zodiac.cache.spi.Backend.NO_EXPIRY);
    }

    @Test
    void anExpiredCounterStartsAgainAtZero() {
        cache.set("n", 5L, Duration.ofMillis(10)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.ttl("n").join() == null);
        assertThat(cache.increment("n", 1).join()).isEqualTo(1);
        assertThat(cache.ttl("n").join()).isEqualTo(io.zodiac.cache.spi.Backend.NO_EXPIRY);
    }
}
