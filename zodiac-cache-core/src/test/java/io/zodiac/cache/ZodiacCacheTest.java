package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every operation of {@link ZodiacCache} on the in-memory backend, with each serializer that fits. */
class ZodiacCacheTest {

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private ZodiacCache cache(String serializer) {
        return manager.setup("test", CacheConfig.builder().serializer(serializer).build());
    }

    record User(String name, int age) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "json"})
    void setGetDeleteExists(String serializer) {
        ZodiacCache cache = cache(serializer);
        assertThat(cache.get("k").join()).isNull();
        assertThat(cache.exists("k").join()).isFalse();
        assertThat(cache.set("k", "v").join()).isTrue();
        assertThat(cache.get("k").join()).isEqualTo("v");
        assertThat(cache.exists("k").join()).isTrue();
        assertThat(cache.delete("k").join()).isTrue();
        assertThat(cache.delete("k").join()).isFalse();
        assertThat(cache.get("k").join()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "json"})
    void falsyValuesAreHits(String serializer) {
        ZodiacCache cache = cache(serializer);
        cache.multiSet(Map.of("zero", 0, "empty", "", "false", false, "list", List.of()), null).join();
        assertThat(cache.get("zero").join()).isEqualTo(0);
        assertThat(cache.get("empty").join()).isEqualTo("");
        assertThat(cache.get("false").join()).isEqualTo(false);
        assertThat(cache.get("list").join()).isEqualTo(List.of());
        assertThat(cache.<Integer>getOrSet("zero", () -> {
            throw new AssertionError("a stored 0 is a hit");
        }).join()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "json", "string", "bytes"})
    void aStoredNullReadsAsNullAndExists(String serializer) {
        ZodiacCache cache = cache(serializer);
        assertThat(cache.set("nothing", null).join()).isTrue();
        assertThat(cache.get("nothing").join()).isNull();
        assertThat(cache.exists("nothing").join()).isTrue();
        assertThat(cache.multiGet(List.of("nothing", "absent")).join()).containsOnlyKeys("nothing");
    }

    @Test
    void typedReadsGiveTheTypeAskedFor() {
        ZodiacCache cache = cache("json");
        cache.set("user", new User("ada", 36)).join();
        cache.set("users", List.of(new User("ada", 36), new User("alan", 41))).join();
        assertThat(cache.get("user", User.class).join()).isEqualTo(new User("ada", 36));
        assertThat(cache.get("user").join()).isEqualTo(Map.of("name", "ada", "age", 36));
        assertThat(cache.get("users", new TypeRef<List<User>>() { }).join())
                .containsExactly(new User("ada", 36), new User("alan", 41));
        assertThat(cache.blocking().get("user", User.class)).isEqualTo(new User("ada", 36));
        assertThat(cache.get("absent", User.class).join()).isNull();
    }

    @Test
    void referencesAreStoredAsTheyAre() {
        ZodiacCache cache = cache("reference");
        User user = new User("ada", 36);
        cache.set("user", user).join();
        assertThat(cache.get("user", User.class).join()).isSameAs(user);
    }

    @Test
    void addStoresOnlyWhenAbsent() {
        ZodiacCache cache = cache("reference");
        assertThat(cache.add("k", 1, null).join()).isTrue();
        assertThat(cache.add("k", 2, null).join()).isFalse();
        assertThat(cache.get("k").join()).isEqualTo(1);
    }

    @Test
    void multiGetKeepsTheOrderOfTheKeysAndLeavesOutAbsentOnes() {
        ZodiacCache cache = cache("json");
        cache.multiSet(Map.of("a", 1, "b", 2, "c", 3), Duration.ofMinutes(1)).join();
        assertThat(cache.multiGet(List.of("c", "x", "a")).join()).containsExactly(Map.entry("c", 3), Map.entry("a", 1));
        assertThat(cache.ttl("b").join()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "json", "string"})
    void incrementStartsAtZeroAndIsAtomic(String serializer) throws Exception {
        ZodiacCache cache = cache(serializer);
        assertThat(cache.increment("n", 5).join()).isEqualTo(5);
        assertThat(cache.increment("n", -2).join()).isEqualTo(3);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                pool.submit(() -> {
                    for (int j = 0; j < 1000; j++) {
                        cache.increment("n", 1).join();
                    }
                });
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(cache.increment("n", 0).join()).isEqualTo(8003);
        Object read = cache.get("n").join();
        assertThat(read.toString()).isEqualTo("8003");
    }

    @Test
    void incrementOfSomethingElseFailsAndKeepsTheValue() {
        ZodiacCache cache = cache("reference");
        cache.set("s", "text").join();
        assertThatThrownBy(() -> cache.increment("s", 1).join()).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an integer");
        assertThat(cache.get("s").join()).isEqualTo("text");
    }

    @Test
    void ttlResolutionIsTheCallsThenTheCachesDefaultThenNone() {
        ZodiacCache cache = manager.setup("t", CacheConfig.builder().defaultTtl(Duration.ofHours(1)).build());
        cache.set("default", 1).join();
        cache.set("own", 1, Duration.ofSeconds(30)).join();
        cache.set("forever", 1, Duration.ZERO).join();
        assertThat(cache.ttl("default").join()).isGreaterThan(Duration.ofMinutes(59)).isLessThanOrEqualTo(Duration.ofHours(1));
        assertThat(cache.ttl("own").join()).isGreaterThan(Duration.ofSeconds(29)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(cache.ttl("forever").join()).isEqualTo(Backend.NO_EXPIRY);
        assertThat(cache.ttl("absent").join()).isNull();
        assertThatThrownBy(() -> cache.set("k", 1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
    }

    @Test
    void entriesExpire() {
        ZodiacCache cache = cache("reference");
        cache.set("short", "v", Duration.ofMillis(50)).join();
        cache.set("long", "v", Duration.ofMinutes(5)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> !cache.exists("short").join());
        assertThat(cache.get("short").join()).isNull();
        assertThat(cache.get("long").join()).isEqualTo("v");
    }

    @Test
    void expireSetsAndRemovesTheTtl() {
        ZodiacCache cache = cache("reference");
        cache.set("k", "v").join();
        assertThat(cache.ttl("k").join()).isEqualTo(Backend.NO_EXPIRY);
        assertThat(cache.expire("k", Duration.ofSeconds(10)).join()).isTrue();
        assertThat(cache.ttl("k").join()).isLessThanOrEqualTo(Duration.ofSeconds(10)).isPositive();
        assertThat(cache.expire("k", null).join()).isTrue();
        assertThat(cache.ttl("k").join()).isEqualTo(Backend.NO_EXPIRY);
        assertThat(cache.expire("absent", Duration.ofSeconds(1)).join()).isFalse();
        cache.expire("k", Duration.ofMillis(20)).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get("k").join() == null);
    }

    @Test
    void incrementKeepsTheTtl() {
        ZodiacCache cache = cache("reference");
        cache.set("n", 1L, Duration.ofMinutes(1)).join();
        cache.increment("n", 1).join();
        assertThat(cache.ttl("n").join()).isLessThanOrEqualTo(Duration.ofMinutes(1)).isPositive();
    }

    @Test
    void keysListsThisCachesKeysByPrefix() {
        ZodiacCache cache = cache("reference");
        cache.multiSet(Map.of("user:1", 1, "user:2", 2, "order:1", 3), null).join();
        assertThat(cache.keys("user:", 10).join()).containsExactlyInAnyOrder("user:1", "user:2");
        assertThat(cache.keys("", 2).join()).hasSize(2);
        assertThatThrownBy(() -> cache.keys("", 0)).hasMessageContaining("limit");
    }

    @Test
    void clearRemovesOnlyThisCache() {
        ZodiacCache a = manager.setup("app-a", CacheConfig.builder().name("a").build());
        ZodiacCache b = manager.setup("app-b", CacheConfig.builder().name("b").build());
        a.set("k", 1).join();
        b.set("k", 2).join();
        assertThat(a.clear().join()).isTrue();
        assertThat(a.exists("k").join()).isFalse();
        assertThat(b.get("k").join()).isEqualTo(2);
    }

    @Test
    void maxSizeEvictsAndTellsThePlugins() {
        List<CacheEvent> events = new CopyOnWriteArrayList<>();
        CachePlugin listener = new CachePlugin() {
            @Override
            public void onEvent(CacheEvent event) {
                events.add(event);
            }
        };
        ZodiacCache cache = manager.setup("bounded", CacheConfig.builder().maxSize(10).plugins(listener).build());
        for (int i = 0; i < 200; i++) {
            cache.set("k" + i, i).join();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(cache.keys("", 1000).join().size()).isLessThanOrEqualTo(10);
            assertThat(events).anyMatch(e -> e.kind() == CacheEvent.Kind.EVICTION && e.cache().equals("default"));
        });
    }

    @Test
    void nullKeysAndUnencodableValuesFailClearlyAndStoreNothing() {
        ZodiacCache cache = cache("json");
        assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> cache.set(null, 1)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        Object unencodable = new Object();
        assertThatThrownBy(() -> cache.set("k", unencodable).join()).isInstanceOf(CompletionException.class)
                .hasMessageContaining("json serializer cannot encode a java.lang.Object");
        assertThat(cache.exists("k").join()).isFalse();
        assertThatThrownBy(() -> cache.multiSet(Map.of("a", 1, "b", unencodable), null).join())
                .hasMessageContaining("cannot encode");
        assertThat(cache.exists("a").join()).isFalse();
        ZodiacCache strings = manager.setup("s", CacheConfig.builder().name("strings").serializer("string").build());
        assertThatThrownBy(() -> strings.blocking().set("k", 42)).hasMessageContaining("string serializer accepts only strings");
    }

    @Test
    void blockingViewMirrorsTheAsyncOne() {
        BlockingCache cache = cache("reference").blocking();
        assertThat(cache.set("k", "v")).isTrue();
        assertThat(cache.get("k")).isEqualTo("v");
        assertThat(cache.exists("k")).isTrue();
        assertThat(cache.add("k", "w", null)).isFalse();
        assertThat(cache.increment("n", 2)).isEqualTo(2);
        assertThat(cache.multiSet(Map.of("a", 1), null)).isTrue();
        assertThat(cache.multiGet(List.of("a", "k"))).containsExactly(Map.entry("a", 1), Map.entry("k", "v"));
        assertThat(cache.expire("k", Duration.ofMinutes(1))).isTrue();
        assertThat(cache.ttl("k")).isPositive();
        assertThat(cache.keys("", 10)).contains("k", "a", "n");
        assertThat(cache.delete("k")).isTrue();
        assertThat(cache.clear()).isTrue();
        assertThat(cache.get("a")).isNull();
        assertThat(cache.async().blocking()).isSameAs(cache);
    }

    @Test
    void bytesAreStoredAsGiven() {
        ZodiacCache cache = cache("bytes");
        byte[] value = {1, 2, 3};
        cache.set("b", value).join();
        assertThat((byte[]) cache.get("b").join()).isEqualTo(value);
    }
}
