package io.zodiac.cache.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.TypeRef;
import io.zodiac.cache.ValueTooLargeException;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.serializer.JavaSerializer;
import io.zodiac.cache.serializer.SerializationException;
import io.zodiac.cache.spi.BackendProvider;
import java.io.Serializable;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link ZodiacCache} contract, run unchanged against every backend: a subclass per backend
 * ({@code *ContractTest}) gives its configuration and its {@link BackendCapabilities}; a backend
 * on a server extends {@link ServerCacheContract}, which adds the server-fault rows. The rows use
 * the public API only.
 *
 * <p>Every row gets a fresh {@link CacheManager} and a prefix of its own, so rows never see each
 * other's keys on a shared server.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a row stuck in join() fails instead of hanging the build
public abstract class CacheContract {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    /** Far above any producer of a row: only a broken release makes a waiter wait this long. */
    private static final Duration LONG_LEASE = Duration.ofSeconds(30);

    /** A value of a user type, readable by every serializer that reads objects. */
    public record User(String name, int age) implements Serializable {
    }

    protected CacheManager manager;
    protected String prefix;
    protected ZodiacCache cache;
    protected BlockingCache blocking;

    /** A configuration of this backend, named {@code default}; a row may rename it and add settings. */
    protected abstract CacheConfig.Builder config();

    /** What this backend can do; a subclass states and explains each flag that differs from a preset. */
    protected abstract BackendCapabilities capabilities();

    @BeforeEach
    void setUpCache(TestInfo test) {
        manager = new CacheManager();
        prefix = test.getTestMethod().orElseThrow().getName() + "-" + PREFIXES.incrementAndGet();
        cache = manager.setup(prefix, config().build());
        blocking = cache.blocking();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    /** A fresh prefix for a second cache of a row. */
    protected String otherPrefix(String label) {
        return prefix + "-" + label;
    }

    // ------------------------------------------------------------------ basic operations

    @Test
    void setGetExistsDelete() {
        assertThat(blocking.get("k")).isNull();
        assertThat(blocking.exists("k")).isFalse();
        assertThat(blocking.set("k", Map.of("name", "zodiac"))).isTrue();
        assertThat(blocking.get("k")).isEqualTo(Map.of("name", "zodiac"));
        assertThat(blocking.exists("k")).isTrue();
        assertThat(cache.get("k").join()).isEqualTo(Map.of("name", "zodiac"));
        assertThat(blocking.set("k", "replaced")).isTrue();
        assertThat(blocking.get("k")).isEqualTo("replaced");
        assertThat(blocking.delete("k")).as("present").isTrue();
        assertThat(blocking.delete("k")).as("already deleted").isFalse();
        assertThat(blocking.get("k")).isNull();
        assertThat(blocking.exists("k")).isFalse();
    }

    @Test
    void typedReadsGiveTheTypeAskedFor() {
        blocking.set("user", new User("ada", 36));
        blocking.set("users", List.of(new User("ada", 36), new User("alan", 41)));

        assertThat(blocking.get("user", User.class)).isEqualTo(new User("ada", 36));
        assertThat(cache.get("user", User.class).join()).isEqualTo(new User("ada", 36));
        assertThat(blocking.get("users", new TypeRef<List<User>>() { }))
                .containsExactly(new User("ada", 36), new User("alan", 41));
        assertThat(cache.get("users", new TypeRef<List<User>>() { }).join()).hasSize(2);
        assertThat(blocking.get("absent", User.class)).isNull();
        assertThat(blocking.get("absent", new TypeRef<List<User>>() { })).isNull();
    }

    @Test
    void addStoresOnlyWhenAbsent() {
        assertThat(blocking.add("k", "first", null)).isTrue();
        assertThat(blocking.add("k", "second", null)).isFalse();
        assertThat(blocking.get("k")).isEqualTo("first");
        assertThat(cache.add("ttl", "v", Duration.ofMinutes(1)).join()).isTrue();
        assertThat(blocking.get("ttl")).isEqualTo("v");

        blocking.delete("k");
        assertThat(blocking.add("k", "after delete", null)).isTrue();
        assertThat(blocking.get("k")).isEqualTo("after delete");
    }

    @Test
    void addOfAnExpiredKeyStores() {
        Duration ttl = capabilities().shortTtl();
        assertThat(blocking.add("k", "first", ttl)).isTrue();
        await().atMost(ttl.plusSeconds(5)).until(() -> !blocking.exists("k"));
        assertThat(blocking.add("k", "second", null)).isTrue();
        assertThat(blocking.get("k")).isEqualTo("second");
    }

    @Test
    void multiGetKeepsTheOrderOfTheKeysLeavesOutAbsentOnesAndMapsAStoredNullToNull() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            values.put("m" + i, i);
        }
        values.put("nothing", null);
        assertThat(blocking.multiSet(values, Duration.ofMinutes(1))).isTrue();

        Map<String, Object> found = blocking.multiGet(List.of("m19", "missing", "m0", "nothing"));
        assertThat(new ArrayList<>(found.keySet())).containsExactly("m19", "m0", "nothing");
        assertThat(found).containsEntry("m19", 19).containsEntry("m0", 0).containsEntry("nothing", null);
        assertThat(blocking.multiGet(List.of())).isEmpty();
        assertThat(cache.multiGet(List.of("m1")).join()).containsExactly(Map.entry("m1", 1));
        for (int i = 0; i < 20; i++) {
            assertThat(blocking.get("m" + i)).isEqualTo(i);
        }
    }

    @Test
    void multiSetGivesEveryKeyItsTtl() {
        Duration ttl = capabilities().shortTtl();
        assertThat(cache.multiSet(Map.of("a", 1, "b", 2, "c", 3), ttl).join()).isTrue();
        assertThat(blocking.multiSet(Map.of("kept", "x"), null)).isTrue();
        assertThat(blocking.multiGet(List.of("a", "b", "c"))).containsOnlyKeys("a", "b", "c");

        await().atMost(ttl.plusSeconds(5)).until(() -> blocking.multiGet(List.of("a", "b", "c")).isEmpty());
        assertThat(blocking.get("kept")).isEqualTo("x");
    }

    @Test
    void incrementCountsFromZeroAndReadsAsANumber() {
        assertThat(blocking.increment("n", 5)).isEqualTo(5);
        assertThat(cache.increment("n", 2).join()).isEqualTo(7);
        assertThat(blocking.increment("n", 0)).isEqualTo(7);
        assertThat(blocking.get("n", Long.class)).isEqualTo(7L);
        assertThat(blocking.get("n").toString()).isEqualTo("7");
        blocking.set("stored", 5);
        assertThat(blocking.increment("stored", 3)).as("a stored number counts on").isEqualTo(8);
    }

    @Test
    void incrementBelowZero() {
        blocking.increment("n", 3);
        if (capabilities().signedCounters()) {
            assertThat(blocking.increment("n", -10)).isEqualTo(-7);
            assertThat(blocking.increment("fresh", -1)).isEqualTo(-1);
        } else {
            assertThat(blocking.increment("n", -10)).as("counters stop at zero").isZero();
            assertThat(blocking.increment("fresh", -1)).isZero();
        }
    }

    @Test
    void concurrentIncrementsOfAMissingKeyCountEveryOne() {
        List<CompletableFuture<Long>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(cache.increment("race", 1));
        }
        List<Long> values = results.stream().map(CompletableFuture::join).sorted().collect(Collectors.toList());
        assertThat(values).isEqualTo(LongStream.rangeClosed(1, 50).boxed().collect(Collectors.toList()));
        assertThat(blocking.get("race").toString()).isEqualTo("50");
    }

    @Test
    void incrementOfANonIntegerFailsAndKeepsTheValue() {
        blocking.set("text", "abc");
        assertThatThrownBy(() -> blocking.increment("text", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'text'").hasMessageContaining("integer");
        assertThat(failure(cache.increment("text", 1))).isInstanceOf(IllegalStateException.class);
        assertThat(blocking.get("text")).isEqualTo("abc");
    }

    @Test
    void incrementPastTheLongRangeFailsAndKeepsTheValue() {
        assertThat(blocking.increment("n", Long.MAX_VALUE - 1)).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(blocking.increment("n", 1)).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> blocking.increment("n", 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'n'").hasMessageContaining("overflow");
        assertThat(failure(cache.increment("n", Long.MAX_VALUE))).isInstanceOf(IllegalStateException.class);
        assertThat(blocking.increment("n", 0)).as("the value is left as it was").isEqualTo(Long.MAX_VALUE);
        assertThat(blocking.get("n", Long.class)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void incrementKeepsTheTtl() {
        Duration ttl = capabilities().shortTtl();
        blocking.set("n", 1, ttl);
        assertThat(blocking.increment("n", 1)).isEqualTo(2);
        await().atMost(ttl.plusSeconds(5)).until(() -> !blocking.exists("n"));
    }

    @Test
    void expireSetsAndRemovesTheTtl() {
        Duration ttl = capabilities().shortTtl();
        blocking.set("k", "v");
        blocking.set("kept", "v", ttl);
        assertThat(blocking.expire("kept", null)).as("no expiry any more").isTrue();
        assertThat(cache.expire("k", ttl).join()).isTrue();
        assertThat(blocking.expire("absent", Duration.ofSeconds(5))).isFalse();
        assertThat(blocking.expire("absent", null)).isFalse();

        await().atMost(ttl.plusSeconds(5)).until(() -> !blocking.exists("k"));
        assertThat(blocking.get("kept")).isEqualTo("v");
        assertThat(blocking.expire("k", Duration.ofSeconds(5))).as("expired is absent").isFalse();
    }

    @Test
    void ttlReportsTheRemainingTime() {
        blocking.set("k", "v", Duration.ofSeconds(30));
        blocking.set("forever", "v");
        if (!capabilities().reportsTtl()) {
            assertThat(failure(cache.ttl("k"))).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> blocking.ttl("k")).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        assertThat(blocking.ttl("k")).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(cache.ttl("forever").join()).isEqualTo(ChronoUnit.FOREVER.getDuration());
        assertThat(blocking.ttl("absent")).isNull();
        assertThat(blocking.expire("k", null)).isTrue();
        assertThat(blocking.ttl("k")).isEqualTo(ChronoUnit.FOREVER.getDuration());
        assertThat(blocking.expire("forever", Duration.ofSeconds(10))).isTrue();
        assertThat(blocking.ttl("forever")).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    @Test
    void keysListsThisCachesKeysByPrefix() {
        blocking.multiSet(Map.of("user:1", 1, "user:2", 2, "order:1", 3), null);
        if (!capabilities().listsKeys()) {
            assertThat(failure(cache.keys("", 10))).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> blocking.keys("user:", 10)).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        assertThat(blocking.keys("user:", 10)).containsExactlyInAnyOrder("user:1", "user:2");
        assertThat(cache.keys("", 100).join()).containsExactlyInAnyOrder("user:1", "user:2", "order:1");
        assertThat(blocking.keys("", 2)).hasSize(2);
        assertThat(blocking.keys("none:", 10)).isEmpty();
        assertThatThrownBy(() -> cache.keys("", 0)).hasMessageContaining("limit");
    }

    @Test
    void clearRemovesEveryKeyOfTheCache() {
        for (int i = 0; i < 300; i++) {
            cache.set("k" + i, i);
        }
        blocking.set("last", 1);
        blocking.increment("n", 3);

        assertThat(blocking.clear()).isTrue();

        assertThat(blocking.multiGet(List.of("k0", "k150", "k299", "last", "n"))).isEmpty();
        assertThat(blocking.exists("last")).isFalse();
        assertThat(blocking.add("last", "again", null)).as("absent after clear").isTrue();
        assertThat(blocking.increment("n", 1)).as("counters restart").isEqualTo(1);
        assertThat(cache.clear().join()).isTrue();
        if (capabilities().listsKeys()) {
            assertThat(blocking.keys("", 10)).isEmpty();
        }
    }

    /**
     * The blocking view answers a read from what the cache holds in this process when it can (an
     * in-memory entry, a near cache's copy) and through the async call otherwise: either way every
     * read answers as the async view does, on the first read and on the ones after it (which a near
     * cache serves locally), for a value, a stored null, an absent key, the wrong type and a generic one.
     */
    @Test
    void blockingReadsAnswerAsTheAsyncOnesOnEveryRead() {
        blocking.set("k", "v");
        blocking.set("nothing", null);
        blocking.set("list", List.of(1, 2));
        TypeRef<List<Integer>> integers = new TypeRef<>() { };
        for (int read = 0; read < 3; read++) {
            String when = "read #" + (read + 1);
            assertThat(blocking.get("k")).as(when).isEqualTo("v").isEqualTo(cache.get("k").join());
            assertThat(blocking.get("k", String.class)).as(when).isEqualTo("v").isEqualTo(cache.get("k", String.class).join());
            assertThat(blocking.get("k", Integer.class)).as("%s: the wrong type reads as a miss", when).isNull();
            assertThat(cache.get("k", Integer.class).join()).as(when).isNull();
            assertThat(blocking.get("list", integers)).as(when).isEqualTo(List.of(1, 2))
                    .isEqualTo(cache.get("list", integers).join());
            assertThat(blocking.getOrDefault("nothing", "default")).as("%s: a stored null is a hit", when).isNull();
            assertThat(cache.getOrDefault("nothing", "default").join()).as(when).isNull();
            assertThat(blocking.getOrDefault("absent", "default")).as(when).isEqualTo("default")
                    .isEqualTo(cache.getOrDefault("absent", "default").join());
            assertThat(blocking.get("absent", String.class)).as(when).isNull();
        }
        assertThatThrownBy(() -> blocking.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> blocking.get("k", (Class<String>) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("type");
    }

    @Test
    void blockingViewMirrorsTheAsyncOne() {
        assertThat(blocking.set("k", "v")).isTrue();
        assertThat(blocking.set("t", "v", Duration.ofMinutes(1))).isTrue();
        assertThat(blocking.get("k")).isEqualTo("v");
        assertThat(blocking.getOrDefault("absent", "default")).isEqualTo("default");
        assertThat(blocking.exists("k")).isTrue();
        assertThat(blocking.add("k", "w", null)).isFalse();
        assertThat(blocking.increment("n", 2)).isEqualTo(2);
        assertThat(blocking.multiSet(Map.of("a", 1), null)).isTrue();
        assertThat(blocking.multiGet(List.of("a", "k"))).containsExactly(Map.entry("a", 1), Map.entry("k", "v"));
        assertThat(blocking.expire("k", Duration.ofMinutes(1))).isTrue();
        assertThat(blocking.<String>getOrSet("p", () -> "produced")).isEqualTo("produced");
        assertThat(blocking.getOrSet("q", () -> 1, GetOrSetOptions.<Integer>defaults().type(Integer.class))).isEqualTo(1);
        assertThat(blocking.delete("k")).isTrue();
        assertThat(blocking.clear()).isTrue();
        assertThat(blocking.get("a")).isNull();
        assertThat(blocking.async()).isSameAs(cache);
        assertThat(cache.blocking()).isSameAs(blocking);
    }

    @Test
    void nullKeysAndUnencodableValuesFailClearlyAndStoreNothing() {
        ZodiacCache cache = manager.setup(otherPrefix("json"), config().name("json").serializer("json").build());
        BlockingCache blocking = cache.blocking();
        assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> cache.set(null, 1)).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        Object unencodable = new Object();
        assertThat(failure(cache.set("bad", unencodable))).isInstanceOf(SerializationException.class)
                .hasMessageContaining("json serializer cannot encode a java.lang.Object");
        assertThat(failure(cache.multiSet(Map.of("good", 1, "bad", unencodable), null)))
                .isInstanceOf(SerializationException.class);
        assertThat(blocking.exists("bad")).isFalse();
        assertThat(blocking.exists("good")).isFalse();
    }

    // ------------------------------------------------------------------ TTL resolution and expiry

    @Test
    void ttlResolutionIsTheCallsThenTheCachesDefaultThenNone() {
        Duration ttl = capabilities().shortTtl();
        ZodiacCache withDefault = manager.setup(otherPrefix("ttl"), config().name("ttl").defaultTtl(ttl).build());
        BlockingCache timed = withDefault.blocking();
        timed.set("default", 1);
        timed.set("nullTtl", 1, null);
        timed.set("own", 1, Duration.ofHours(1));
        timed.set("forever", 1, Duration.ZERO);
        blocking.set("noDefault", 1);
        timed.getOrSet("produced", () -> 1);
        timed.getOrSet("producedOwn", () -> 1, GetOrSetOptions.<Integer>defaults().ttl(Duration.ofHours(1)));
        assertThatThrownBy(() -> timed.set("k", 1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");

        await().atMost(ttl.plusSeconds(5)).until(() ->
                !timed.exists("default") && !timed.exists("nullTtl") && !timed.exists("produced"));
        assertThat(timed.multiGet(List.of("own", "forever", "producedOwn"))).containsOnlyKeys("own", "forever", "producedOwn");
        assertThat(blocking.get("noDefault")).isEqualTo(1);
        if (capabilities().reportsTtl()) {
            assertThat(timed.ttl("own")).isBetween(Duration.ofMinutes(59), Duration.ofHours(1));
            assertThat(timed.ttl("forever")).as("Duration.ZERO never expires").isEqualTo(ChronoUnit.FOREVER.getDuration());
            assertThat(blocking.ttl("noDefault")).isEqualTo(ChronoUnit.FOREVER.getDuration());
        }
    }

    @Test
    void entriesExpire() {
        Duration ttl = capabilities().shortTtl();
        blocking.set("short", "v", ttl);
        blocking.set("long", "v", Duration.ofMinutes(5));
        assertThat(blocking.get("short")).as("still there right after set").isEqualTo("v");
        await().atMost(ttl.plusSeconds(5)).until(() -> !blocking.exists("short"));
        assertThat(blocking.get("short")).isNull();
        assertThat(blocking.get("long")).isEqualTo("v");
    }

    @Test
    void longTtlsAreKept() {
        // Memcached reads relative TTLs over 30 days as unix times: they must still mean "from now".
        blocking.set("month", "v", Duration.ofDays(31));
        assertThat(blocking.get("month")).isEqualTo("v");
        assertThat(blocking.expire("month", Duration.ofDays(400))).isTrue();
        assertThat(blocking.get("month")).isEqualTo("v");
        blocking.set("decade", "v", Duration.ofDays(3650));
        assertThat(blocking.get("decade")).isEqualTo("v");
        if (capabilities().reportsTtl()) {
            assertThat(blocking.ttl("decade")).isGreaterThan(Duration.ofDays(3649));
        }
    }

    @Test
    void ttlsPastTheBackendsRangeAreRefusedBeforeTheBackendAndNeverOpenTheBreaker() {
        // every backend keeps ten years; none keeps a thousand (memory: ~146 years, memcached: until 2038)
        GetOrSetOptions<Integer> options = GetOrSetOptions.defaults();
        for (Duration tooLong : List.of(Duration.ofDays(365L * 1000), Duration.ofSeconds(Long.MAX_VALUE))) {
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> cache.set("k", 1, tooLong)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("ttl").hasMessageContaining("at most");
            }
            assertThatThrownBy(() -> cache.add("k", 1, tooLong)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.multiSet(Map.of("k", 1), tooLong)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.expire("k", tooLong)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cache.getOrSet("k", () -> CompletableFuture.completedFuture(1), options.ttl(tooLong)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
            assertThatThrownBy(() -> cache.getOrSet("k", () -> CompletableFuture.completedFuture(1), options.lease(tooLong)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        }
        assertThat(blocking.exists("k")).as("nothing was stored").isFalse();
        assertThat(blocking.set("k", 1)).as("argument errors are not backend failures: the cache still works").isTrue();
        assertThat(blocking.get("k")).isEqualTo(1);

        assertThatThrownBy(() -> manager.setup(otherPrefix("forever"), config().name("forever")
                .defaultTtl(Duration.ofDays(365L * 1000)).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultTtl").hasMessageContaining("at most");
        assertThatThrownBy(() -> manager.getCache("forever")).as("nothing half-registered")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not initialized");
    }

    // ------------------------------------------------------------------ null, miss, falsy

    @Test
    void aStoredNullIsAHitThatReadsAsNull() {
        assertThat(blocking.set("nothing", null)).isTrue();
        assertThat(blocking.get("nothing")).isNull();
        assertThat(blocking.exists("nothing")).as("a stored null exists").isTrue();
        assertThat(blocking.getOrDefault("nothing", "default")).as("a stored null is not a miss").isNull();
        assertThat(cache.getOrDefault("absent", "default").join()).as("a miss").isEqualTo("default");
        assertThat(blocking.get("absent")).isNull();
        assertThat(blocking.exists("absent")).isFalse();
        assertThat(blocking.<String>getOrSet("nothing", () -> {
            throw new AssertionError("a stored null is a hit");
        })).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "json"})
    void falsyValuesAreHits(String serializer) {
        ZodiacCache falsy = serializer.equals("default") ? cache
                : manager.setup(otherPrefix(serializer), config().name(serializer).serializer(serializer).build());
        falsy.multiSet(Map.of("zero", 0, "empty", "", "false", false, "list", List.of(), "map", Map.of()), null).join();
        assertThat(falsy.get("zero").join()).isEqualTo(0);
        assertThat(falsy.get("empty").join()).isEqualTo("");
        assertThat(falsy.get("false").join()).isEqualTo(false);
        assertThat(falsy.get("list").join()).isEqualTo(List.of());
        assertThat(falsy.get("map").join()).isEqualTo(Map.of());
        for (String key : List.of("zero", "empty", "false", "list", "map")) {
            assertThat(falsy.exists(key).join()).as(key).isTrue();
            assertThat(falsy.getOrSet(key, () -> {
                throw new AssertionError("a stored " + key + " is a hit");
            }).join()).as(key).isNotNull();
        }
    }

    // ------------------------------------------------------------------ serializers

    @Test
    void jsonRoundTripsPlainAndTypedValues() {
        BlockingCache json = serializerCache("json");
        json.set("user", new User("ada", 36));
        json.set("users", List.of(new User("bob", 7)));
        json.set("nothing", null);
        assertThat(json.get("user")).isEqualTo(Map.of("name", "ada", "age", 36));
        assertThat(json.get("user", User.class)).isEqualTo(new User("ada", 36));
        assertThat(json.get("users", new TypeRef<List<User>>() { })).containsExactly(new User("bob", 7));
        assertThat(json.getOrSet("typed", () -> new User("eve", 1), GetOrSetOptions.<User>defaults().type(User.class)))
                .isEqualTo(new User("eve", 1));
        assertThat(json.getOrSet("typed", () -> new User("not", 0), GetOrSetOptions.<User>defaults().type(User.class)))
                .isEqualTo(new User("eve", 1));
        assertThat(json.get("nothing")).isNull();
        assertThat(json.exists("nothing")).isTrue();
        assertThat(json.increment("n", 2)).isEqualTo(2);
        assertThat(json.get("n")).isEqualTo(2);
    }

    @Test
    void stringRoundTripsStringsAndRefusesOtherValues() {
        BlockingCache strings = serializerCache("string");
        strings.set("s", "ünïcödé 🔑");
        strings.set("nothing", null);
        assertThat(strings.get("s")).isEqualTo("ünïcödé 🔑");
        assertThat(strings.get("nothing")).isNull();
        assertThat(strings.exists("nothing")).isTrue();
        assertThat(strings.increment("n", 12)).isEqualTo(12);
        assertThat(strings.get("n")).isEqualTo("12");
        assertThatThrownBy(() -> strings.set("k", 42)).hasMessageContaining("string serializer accepts only strings");
        assertThat(strings.exists("k")).isFalse();
    }

    @Test
    void bytesRoundTripBytes() {
        BlockingCache bytes = serializerCache("bytes");
        byte[] value = {0, 1, 2, (byte) 0xff};
        bytes.set("b", value);
        bytes.set("empty", new byte[0]);
        bytes.set("nothing", null);
        assertThat((byte[]) bytes.get("b")).containsExactly(value);
        assertThat((byte[]) bytes.get("empty")).isEmpty();
        assertThat(bytes.get("nothing")).isNull();
        assertThat(bytes.exists("nothing")).isTrue();
    }

    @Test
    void javaRoundTripsAllowedClassesOnly() {
        ZodiacCache java = manager.setup(otherPrefix("java"), config().name("java")
                .serializer(JavaSerializer.allowing(User.class.getName())).build());
        java.blocking().set("user", new User("ada", 36));
        java.blocking().set("list", new ArrayList<>(List.of(1, 2)));
        assertThat(java.blocking().get("user")).isEqualTo(new User("ada", 36));
        assertThat(java.blocking().get("user", User.class)).isEqualTo(new User("ada", 36));
        assertThat(java.blocking().get("list")).isEqualTo(List.of(1, 2));

        ZodiacCache strict = manager.setup(otherPrefix("strict"), config().name("strict")
                .serializer(JavaSerializer.allowing("com.example.**")).build());
        strict.blocking().set("user", new User("ada", 36));
        assertThat(strict.blocking().get("user")).as("a class outside the allowlist reads as a miss").isNull();
    }

    @Test
    void referencesAreStoredAsTheyAreInMemoryOnly() {
        CacheConfig config = config().name("reference").serializer("reference").build();
        if (!capabilities().storesReferences()) {
            assertThatThrownBy(() -> manager.setup(otherPrefix("reference"), config))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serializer 'reference'");
            assertThat(manager.isSetUp("reference")).isFalse();
            return;
        }
        ZodiacCache references = manager.setup(otherPrefix("reference"), config);
        User user = new User("ada", 36);
        references.blocking().set("user", user);
        assertThat(references.blocking().get("user", User.class)).isSameAs(user);
    }

    private BlockingCache serializerCache(String serializer) {
        return manager.setup(otherPrefix(serializer), config().name(serializer).serializer(serializer).build()).blocking();
    }

    // ------------------------------------------------------------------ getOrSet

    @Test
    void sixtyFourConcurrentCallersOnAColdKeyRunTheProducerOnce() throws Exception {
        int callers = 64;
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> gate = new CompletableFuture<>();
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(LONG_LEASE);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch called = new CountDownLatch(callers);
        AtomicReferenceArray<Object> results = new AtomicReferenceArray<>(callers);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    CompletableFuture<String> result = cache.getOrSet("cold", () -> {
                        calls.incrementAndGet();
                        return gate;
                    }, options);
                    called.countDown();
                    results.set(index, result.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    results.set(index, e);
                }
            }, "caller-" + i);
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        assertThat(called.await(20, TimeUnit.SECONDS)).as("every caller called getOrSet").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 1);
        gate.complete("value");
        for (Thread thread : threads) {
            thread.join(30_000);
        }

        for (int i = 0; i < callers; i++) {
            assertThat(results.get(i)).as("caller %d", i).isEqualTo("value");
        }
        assertThat(calls).as("producer runs").hasValue(1);
        assertThat(blocking.get("cold")).isEqualTo("value");
    }

    @Test
    void aMissRunsTheProducerAndStoresItsValueThenHits() {
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(blocking.getOrSet("k", () -> "v" + calls.incrementAndGet())).isEqualTo("v1");
        }
        assertThat(cache.<String>getOrSet("k", () -> CompletableFuture.completedFuture("other")).join()).isEqualTo("v1");
        assertThat(calls).hasValue(1);
        assertThat(blocking.get("k")).isEqualTo("v1");
    }

    @Test
    void aFailingProducerReachesEveryWaiterOnceAndStoresNothing() {
        CompletableFuture<String> gate = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(LONG_LEASE);
        List<CompletableFuture<String>> callers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            callers.add(cache.getOrSet("k", () -> {
                calls.incrementAndGet();
                return gate;
            }, options));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 1);
        IllegalStateException boom = new IllegalStateException("boom");
        gate.completeExceptionally(boom);

        for (CompletableFuture<String> caller : callers) {
            assertThat(failure(caller)).isSameAs(boom);
        }
        assertThat(calls).hasValue(1);
        assertThat(blocking.exists("k")).as("nothing stored").isFalse();
        // The lock was released: the next call runs its producer at once, not after the lease.
        assertThat(within(Duration.ofSeconds(10), cache.getOrSet("k", () -> CompletableFuture.completedFuture("second"),
                options))).isEqualTo("second");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aProducerThatThrowsIsAFailingProducer() {
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(LONG_LEASE);
        assertThat(failure(cache.getOrSet("k", () -> {
            throw new IllegalArgumentException("bad id");
        }, options))).isInstanceOf(IllegalArgumentException.class).hasMessage("bad id");
        assertThatThrownBy(() -> blocking.getOrSet("k", () -> {
            throw new IllegalArgumentException("bad id");
        }, options)).isInstanceOf(IllegalArgumentException.class).hasMessage("bad id");
        assertThat(blocking.exists("k")).isFalse();
        assertThat(within(Duration.ofSeconds(10), cache.getOrSet("k", () -> CompletableFuture.completedFuture("v"), options)))
                .as("the lock was released").isEqualTo("v");
    }

    @Test
    void nullIsStoredThroughASentinelUnlessSkipped() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(blocking.<String>getOrSet("none", () -> {
            calls.incrementAndGet();
            return null;
        })).isNull();
        assertThat(blocking.exists("none")).isTrue();
        assertThat(blocking.get("none")).isNull();
        assertThat(blocking.<String>getOrSet("none", () -> {
            calls.incrementAndGet();
            return "not called";
        })).isNull();
        assertThat(calls).hasValue(1);

        GetOrSetOptions<String> skipNull = GetOrSetOptions.<String>defaults().skipCacheIf(Objects::isNull);
        assertThat(blocking.getOrSet("skipped", () -> null, skipNull)).isNull();
        assertThat(blocking.exists("skipped")).isFalse();
    }

    @Test
    void skipCacheIfReturnsTheValueWithoutStoringIt() {
        GetOrSetOptions<Integer> skipNegative = GetOrSetOptions.<Integer>defaults().skipCacheIf(v -> v < 0);
        assertThat(blocking.getOrSet("n", () -> -1, skipNegative)).isEqualTo(-1);
        assertThat(blocking.exists("n")).isFalse();
        for (int i = 2; i < 22; i++) {
            int value = -i;
            assertThat(cache.getOrSet("n", () -> CompletableFuture.completedFuture(value), skipNegative).join())
                    .as("a call after a skipped value runs its own producer").isEqualTo(value);
        }
        assertThat(blocking.exists("n")).isFalse();
        assertThat(blocking.getOrSet("n", () -> 1, skipNegative)).isEqualTo(1);
        assertThat(blocking.get("n")).isEqualTo(1);
    }

    @Test
    void afterTheLeaseExpiresAWaiterRunsTheProducerToo() {
        Duration lease = capabilities().shortLease();
        GetOrSetOptions<String> shortLease = GetOrSetOptions.<String>defaults().lease(lease);
        CompletableFuture<String> stuck = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> first = cache.getOrSet("slow", () -> {
            calls.incrementAndGet();
            return stuck;
        }, shortLease);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
        CompletableFuture<String> second = cache.getOrSet("slow", () -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture("fresh");
        }, shortLease);

        assertThat(within(lease.plusSeconds(10), second)).as("no hang past the lease").isEqualTo("fresh");
        assertThat(calls).hasValue(2);
        assertThat(first).isNotDone();
        stuck.complete("late");
        assertThat(within(Duration.ofSeconds(10), first)).isEqualTo("late");
    }

    @Test
    void noWaiterWaitsLongerThanItsLeaseAndTheOperationTimeoutWhateverHoldsTheLock() {
        Duration lease = capabilities().shortLease();
        Duration timeout = Duration.ofSeconds(1);
        // A holder that never lets go within any waiter's patience: a lock taken for an hour (a
        // crashed process of an older version, a foreign client).
        ZodiacCache bounded = lockedByAForeignHolder("bounded", timeout);
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(lease);
        AtomicInteger calls = new AtomicInteger();
        long start = System.nanoTime();
        List<CompletableFuture<String>> callers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            callers.add(bounded.getOrSet("k", () -> {
                calls.incrementAndGet();
                return CompletableFuture.completedFuture("v");
            }, options));
        }
        for (CompletableFuture<String> caller : callers) {
            assertThat(within(lease.plus(timeout).plusSeconds(10), caller)).isEqualTo("v");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("waited for the holder first").isGreaterThanOrEqualTo(lease);
        assertThat(took).as("lease + operation timeout, plus scheduling").isLessThan(lease.plus(timeout).plusSeconds(2));
        assertThat(calls).as("callers of this JVM still share one producer").hasValue(1);
        assertThat(bounded.blocking().get("k")).as("stored: the next caller does not wait again").isEqualTo("v");
    }

    /**
     * A new cache with the given operation timeout whose key {@code "k"} a foreign holder has locked
     * for an hour (only the backend can plant such a lock), once its backend answers: a remote
     * backend connects in the background, and on a loaded machine its first call may find it still connecting.
     */
    private ZodiacCache lockedByAForeignHolder(String name, Duration timeout) {
        ZodiacCache cache = manager.setup(otherPrefix(name), config().name(name).operationTimeout(timeout).build());
        var backend = ((DefaultZodiacCache) cache).backend();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> backend.exists("connected?").join() != null);
        assertThat(backend.tryLock("k", "foreign", Duration.ofHours(1)).join()).isTrue();
        return cache;
    }

    @Test
    void aFlightIsProducedOnceAtTheEarliestDeadlineOfItsCallers() {
        Duration lease = capabilities().shortLease();
        Duration timeout = Duration.ofSeconds(1);
        ZodiacCache bounded = lockedByAForeignHolder("earliest", timeout);
        AtomicInteger calls = new AtomicInteger();
        Supplier<CompletionStage<String>> producer = () -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture("v");
        };
        long start = System.nanoTime();
        // The first caller would wait ten minutes for the holder; the callers that join it would not.
        CompletableFuture<String> patient = bounded.getOrSet("k", producer,
                GetOrSetOptions.<String>defaults().lease(Duration.ofMinutes(10)));
        List<CompletableFuture<String>> hurried = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hurried.add(bounded.getOrSet("k", producer, GetOrSetOptions.<String>defaults().lease(lease)));
        }
        for (CompletableFuture<String> caller : hurried) {
            assertThat(within(lease.plus(timeout).plusSeconds(10), caller)).isEqualTo("v");
        }
        assertThat(within(Duration.ofSeconds(10), patient)).as("the patient caller gets the same value").isEqualTo("v");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("the hurried callers' lease + operation timeout, plus scheduling")
                .isLessThan(lease.plus(timeout).plusSeconds(2));
        assertThat(calls).as("one producer for the whole flight, whichever caller ran it").hasValue(1);
        assertThat(bounded.blocking().get("k")).isEqualTo("v");
    }

    /**
     * A caller that produces the flight for others (it ran out of patience first) and whose producer
     * hangs holds the others no longer than their own lease from its producer's start: then each
     * goes on its own.
     */
    @Test
    void aFlightWhoseProducerHangsHoldsNoCallerPastItsLease() {
        Duration lease = capabilities().shortLease();
        Duration timeout = Duration.ofSeconds(1);
        ZodiacCache bounded = lockedByAForeignHolder("hung", timeout);
        CompletableFuture<String> never = new CompletableFuture<>();
        AtomicInteger hung = new AtomicInteger();
        // the first caller would wait for the holder twice as long as the second, which then produces for both, and hangs
        CompletableFuture<String> patient = bounded.getOrSet("k", () -> CompletableFuture.completedFuture("own"),
                GetOrSetOptions.<String>defaults().lease(lease.multipliedBy(2)));
        CompletableFuture<String> hurried = bounded.getOrSet("k", () -> {
            hung.incrementAndGet();
            return never;
        }, GetOrSetOptions.<String>defaults().lease(lease));

        assertThat(within(lease.multipliedBy(3).plus(timeout).plusSeconds(10), patient))
                .as("its own value, once the hung producer had a lease").isEqualTo("own");
        assertThat(hung).hasValue(1);
        assertThat(hurried).isNotDone();
        never.complete("late");
        assertThat(within(Duration.ofSeconds(10), hurried)).isEqualTo("late");
    }

    @Test
    void waitersWakeOnTheProducersReleaseNotAtTheLease() {
        GetOrSetOptions<String> longLease = GetOrSetOptions.<String>defaults().lease(Duration.ofMinutes(5));
        CompletableFuture<String> gate = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> producer = cache.getOrSet("k", () -> {
            calls.incrementAndGet();
            return gate;
        }, longLease);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
        CompletableFuture<String> waiter = cache.getOrSet("k", () -> CompletableFuture.completedFuture("other"), longLease);
        gate.complete("v");
        // The lease is five minutes: a waiter that only woke at the lease would time out here.
        assertThat(within(Duration.ofSeconds(10), waiter)).isEqualTo("v");
        assertThat(within(Duration.ofSeconds(10), producer)).isEqualTo("v");
    }

    // ------------------------------------------------------------------ loading: refresh-ahead, null TTL, batches

    /** Records the events of a cache. */
    protected static final class RecordedEvents implements CachePlugin {
        final List<CacheEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(CacheEvent event) {
            events.add(event);
        }

        long count(CacheEvent.Kind kind) {
            return events.stream().filter(event -> event.kind() == kind).count();
        }
    }

    /** Refresh-ahead options: a TTL of 8 s, refreshed after 1 s (two ticks of a coarser clock). */
    private GetOrSetOptions<String> refreshing() {
        Duration twoTicks = capabilities().ttlGranularity().multipliedBy(2);
        Duration refreshAfter = twoTicks.compareTo(Duration.ofSeconds(1)) > 0 ? twoTicks : Duration.ofSeconds(1);
        return GetOrSetOptions.<String>defaults().ttl(Duration.ofSeconds(8)).refreshAfter(refreshAfter).lease(LONG_LEASE);
    }

    /** Calls getOrSet until the entry is old enough to refresh, checking each call hits {@code stored}. */
    private static void awaitRefreshStarted(ZodiacCache on, String key, String stored, AtomicInteger calls,
            java.util.function.Supplier<CompletableFuture<String>> producer, GetOrSetOptions<String> options) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(within(Duration.ofSeconds(5), on.getOrSet(key, producer, options))).isEqualTo(stored);
            return calls.get() >= 1;
        });
    }

    @Test
    void aStaleHitReturnsTheStoredValueAtOnceAndOneRefreshStoresTheNewOne() throws Exception {
        GetOrSetOptions<String> options = refreshing();
        assertThat(blocking.getOrSet("k", () -> "v1", options)).isEqualTo("v1");
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> gate = new CompletableFuture<>();
        java.util.function.Supplier<CompletableFuture<String>> producer = () -> {
            calls.incrementAndGet();
            return gate;
        };
        assertThat(cache.getOrSet("k", producer, options).join()).as("a fresh hit").isEqualTo("v1");
        assertThat(calls).as("no refresh of a fresh entry").hasValue(0);

        awaitRefreshStarted(cache, "k", "v1", calls, producer, options);
        // the refresh is under way: many concurrent stale hits get the stored value at once, and start no other
        List<CompletableFuture<String>> hits = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 8; i++) {
                    hits.add(cache.getOrSet("k", producer, options));
                }
            });
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        assertThat(hits).hasSize(64);
        for (CompletableFuture<String> hit : hits) {
            assertThat(within(Duration.ofSeconds(5), hit)).isEqualTo("v1");
        }
        gate.complete("v2");
        await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(blocking.get("k")));
        assertThat(calls).as("refreshes").hasValue(1);
        assertThat(cache.getOrSet("k", producer, options).join()).isEqualTo("v2");
        if (capabilities().reportsTtl()) {
            assertThat(blocking.ttl("k")).as("stored with a fresh TTL").isGreaterThan(options.ttl().minus(options.refreshAfter()));
        }
    }

    @Test
    void theBlockingRefreshRunsItsProducerOffTheCallersThread() {
        GetOrSetOptions<String> options = refreshing();
        assertThat(blocking.getOrSet("k", () -> "v1", options)).isEqualTo("v1");
        Thread caller = Thread.currentThread();
        AtomicInteger calls = new AtomicInteger();
        List<Thread> ranOn = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(blocking.getOrSet("k", () -> {
                ranOn.add(Thread.currentThread());
                return "v" + (1 + calls.incrementAndGet());
            }, options)).isIn("v1", "v2");
            return calls.get() >= 1;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(blocking.get("k")));
        assertThat(ranOn).hasSize(1).doesNotContain(caller);
    }

    @Test
    void aFailingRefreshKeepsTheStoredValueAndIsReported() {
        RecordedEvents recorded = new RecordedEvents();
        ZodiacCache observed = manager.setup(otherPrefix("events"), config().name("events").plugins(recorded).build());
        GetOrSetOptions<String> options = refreshing();
        assertThat(observed.getOrSet("k", () -> CompletableFuture.completedFuture("v1"), options).join()).isEqualTo("v1");
        AtomicInteger calls = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("source down");
        awaitRefreshStarted(observed, "k", "v1", calls, () -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(boom);
        }, options);
        await().atMost(Duration.ofSeconds(10)).until(() -> recorded.count(CacheEvent.Kind.REFRESH_FAILED) >= 1);
        assertThat(recorded.events).filteredOn(event -> event.kind() == CacheEvent.Kind.REFRESH_FAILED)
                .allSatisfy(event -> {
                    assertThat(event.key()).isEqualTo("k");
                    assertThat(event.error()).isSameAs(boom);
                });
        assertThat(observed.get("k").join()).as("the old value stays").isEqualTo("v1");

        // the lock was released: the next stale hit refreshes again
        assertThat(within(Duration.ofSeconds(5), observed.getOrSet("k", () -> CompletableFuture.completedFuture("v2"), options)))
                .isEqualTo("v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(observed.get("k").join()));
        await().atMost(Duration.ofSeconds(10)).until(() -> recorded.count(CacheEvent.Kind.REFRESHED) >= 1);
    }

    @Test
    void twoManagersRacingARefreshOfOneKeyRefreshItOnce() throws Exception {
        try (CacheManager elsewhere = new CacheManager()) {
            ZodiacCache other = elsewhere.setup(prefix, config().build());
            GetOrSetOptions<String> options = refreshing();
            assertThat(blocking.getOrSet("k", () -> "v1", options)).isEqualTo("v1");
            if (!capabilities().sharesAcrossManagers()) {
                assertThat(other.get("k").join()).as("each manager has its own store").isNull();
                return;
            }
            AtomicInteger calls = new AtomicInteger();
            CompletableFuture<String> gate = new CompletableFuture<>();
            java.util.function.Supplier<CompletableFuture<String>> producer = () -> {
                calls.incrementAndGet();
                return gate;
            };
            // both managers hit the stale entry, over and over, until a refresh has started
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> {
                CompletableFuture<String> here = cache.getOrSet("k", producer, options);
                CompletableFuture<String> there = other.getOrSet("k", producer, options);
                assertThat(within(Duration.ofSeconds(5), here)).isEqualTo("v1");
                assertThat(within(Duration.ofSeconds(5), there)).isEqualTo("v1");
                return calls.get() >= 1;
            });
            for (int i = 0; i < 20; i++) {
                assertThat(within(Duration.ofSeconds(5), other.getOrSet("k", producer, options))).isEqualTo("v1");
                assertThat(within(Duration.ofSeconds(5), cache.getOrSet("k", producer, options))).isEqualTo("v1");
            }
            gate.complete("v2");
            await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(other.get("k").join()));
            assertThat(calls).as("refreshes across both managers").hasValue(1);
        }
    }

    @Test
    void refreshAfterNeedsATtlLongerThanItself() {
        GetOrSetOptions<String> tooLate = GetOrSetOptions.<String>defaults().ttl(Duration.ofSeconds(5))
                .refreshAfter(Duration.ofSeconds(5));
        assertThatThrownBy(() -> cache.getOrSet("k", () -> CompletableFuture.completedFuture("v"), tooLate))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refreshAfter PT5S")
                .hasMessageContaining("ttl PT5S");
        GetOrSetOptions<String> noTtl = GetOrSetOptions.<String>defaults().refreshAfter(Duration.ofSeconds(5));
        assertThatThrownBy(() -> blocking.getOrSet("k", () -> "v", noTtl))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a TTL");
        assertThat(blocking.exists("k")).isFalse();
        ZodiacCache withDefault = manager.setup(otherPrefix("default-ttl"), config().name("default-ttl").defaultTtl(Duration.ofMinutes(1)).build());
        assertThat(withDefault.blocking().getOrSet("k", () -> "v", noTtl)).as("the cache's default TTL counts").isEqualTo("v");
    }

    @Test
    void aStoredNullExpiresAfterTheNullTtlWhileValuesLiveOn() {
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().ttl(Duration.ofMinutes(5))
                .nullTtl(capabilities().shortTtl());
        assertThat(blocking.getOrSet("none", () -> null, options)).isNull();
        assertThat(blocking.getOrSet("some", () -> "v", options)).isEqualTo("v");
        Map<String, String> batch = blocking.getOrSetAll(List.of("batch-none", "batch-some"),
                keys -> Map.of("batch-some", "w"), options);
        assertThat(batch).containsEntry("batch-some", "w").containsEntry("batch-none", null);
        assertThat(blocking.exists("batch-none")).as("a missing key is stored as null").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !blocking.exists("none") && !blocking.exists("batch-none"));
        assertThat(blocking.get("some")).isEqualTo("v");
        assertThat(blocking.get("batch-some")).isEqualTo("w");
    }

    @Test
    void getOrSetAllLoadsExactlyTheMissesOnceAndKeepsTheOrderOfTheKeys() {
        blocking.set("a", "A");
        blocking.set("b", null);
        List<Set<String>> asked = new CopyOnWriteArrayList<>();
        Map<String, String> values = blocking.getOrSetAll(List.of("c", "a", "b", "d", "a", "e"), keys -> {
            asked.add(keys);
            return Map.of("c", "C", "e", "E");
        }, GetOrSetOptions.defaults());
        assertThat(asked).containsExactly(Set.of("c", "d", "e"));
        assertThat(new ArrayList<>(values.keySet())).containsExactly("c", "a", "b", "d", "e");
        assertThat(values).containsEntry("a", "A").containsEntry("b", null).containsEntry("c", "C").containsEntry("d", null)
                .containsEntry("e", "E");
        assertThat(blocking.get("c")).isEqualTo("C");
        assertThat(blocking.exists("d")).as("a key the loader did not return is stored as null").isTrue();

        Map<String, String> again = cache.<String>getOrSetAll(List.of("e", "d", "c"), keys -> {
            asked.add(keys);
            return CompletableFuture.completedFuture(Map.of());
        }, GetOrSetOptions.defaults()).join();
        assertThat(asked).as("all hits: no loader call").hasSize(1);
        assertThat(new ArrayList<>(again.keySet())).containsExactly("e", "d", "c");

        GetOrSetOptions<String> skip = GetOrSetOptions.<String>defaults().skipCacheIf(v -> v == null || v.startsWith("-"));
        Map<String, String> skipped = blocking.getOrSetAll(List.of("x", "y", "z"), keys -> Map.of("x", "-1", "y", "Y"), skip);
        assertThat(skipped).containsEntry("x", "-1").containsEntry("y", "Y").containsEntry("z", null);
        assertThat(blocking.exists("x")).isFalse();
        assertThat(blocking.exists("z")).isFalse();
        assertThat(blocking.get("y")).isEqualTo("Y");
        assertThat(blocking.getOrSetAll(List.of(), keys -> Map.of("never", "called"), skip)).isEmpty();
    }

    @Test
    void aFailingLoaderFailsTheBatchStoresNothingAndReleasesTheLocks() {
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(LONG_LEASE);
        IllegalStateException boom = new IllegalStateException("source down");
        assertThat(failure(cache.<String>getOrSetAll(List.of("a", "b"), keys -> CompletableFuture.failedFuture(boom), options)))
                .isSameAs(boom);
        assertThatThrownBy(() -> blocking.getOrSetAll(List.of("a", "b"), keys -> {
            throw boom;
        }, options)).isSameAs(boom);
        assertThat(blocking.exists("a")).isFalse();
        assertThat(within(Duration.ofSeconds(5), cache.getOrSet("a", () -> CompletableFuture.completedFuture("A"), options)))
                .as("the lock was released").isEqualTo("A");
    }

    @Test
    void overlappingConcurrentBatchesLoadEachKeyOnce() throws Exception {
        int threads = 12;
        int keys = 40;
        int width = 15;
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(LONG_LEASE);
        Map<String, AtomicInteger> loads = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch called = new CountDownLatch(threads);
        CompletableFuture<Void> allCalled = new CompletableFuture<>();
        AtomicReferenceArray<Object> results = new AtomicReferenceArray<>(threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            List<String> batch = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                batch.add("k" + ((index * 3 + i) % keys));
            }
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    CompletableFuture<Map<String, String>> result = cache.getOrSetAll(batch, wanted -> {
                        wanted.forEach(key -> loads.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
                        // every loader answers once every batch has been asked for: the batches overlap
                        return allCalled.thenApply(ignored -> wanted.stream()
                                .collect(Collectors.toMap(key -> key, key -> "value of " + key)));
                    }, options);
                    called.countDown();
                    results.set(index, result.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    results.set(index, e);
                }
            });
            thread.start();
            started.add(thread);
        }
        start.countDown();
        assertThat(called.await(20, TimeUnit.SECONDS)).isTrue();
        allCalled.complete(null);
        for (Thread thread : started) {
            thread.join(30_000);
        }
        for (int t = 0; t < threads; t++) {
            assertThat(results.get(t)).as("batch %d", t).isInstanceOf(Map.class);
            Map<?, ?> result = (Map<?, ?>) results.get(t);
            assertThat(result).hasSize(width);
            result.forEach((key, value) -> assertThat(value).isEqualTo("value of " + key));
        }
        loads.forEach((key, count) -> assertThat(count.get()).as("loads of %s", key).isEqualTo(1));
        assertThat(blocking.get("k0")).isEqualTo("value of k0");
    }

    // ------------------------------------------------------------------ key shapes

    /** Keys a user may pass: each is an ordinary key of its own. */
    static List<String> keyShapes() {
        return List.of("", " ", "with space", "new\nline", "tab\t", "crlf\r\n", "nul\u0000", "ключ 🔑", "日本語",
                "k".repeat(1024), "k".repeat(1023) + "l", "x-lock", "-lock", "*", "?", "[", "]", "\\", "a*b?[c]\\d", "[abc]", "h:abc",
                "k#1", "__gen", "__released", "a:b", "app:sub:s1", ":", "%3A", "k".repeat(1 << 20));
    }

    /** A value that tells the key shapes apart and stays small whatever the key's size. */
    private static String valueOf(String key) {
        return "value of " + (key.length() > 64 ? key.length() + " chars from " + key.charAt(key.length() - 1) : key);
    }

    @ParameterizedTest
    @MethodSource("keyShapes")
    void everyKeyShapeRoundTrips(String key) {
        assertThat(blocking.exists(key)).isFalse();
        assertThat(blocking.set(key, valueOf(key))).isTrue();
        assertThat(blocking.get(key)).isEqualTo(valueOf(key));
        assertThat(blocking.exists(key)).isTrue();
        assertThat(blocking.multiGet(List.of(key))).containsExactly(Map.entry(key, valueOf(key)));
        assertThat(blocking.increment(key + "#n", 2)).isEqualTo(2);
        assertThat(blocking.expire(key, Duration.ofMinutes(1))).isTrue();
        assertThat(blocking.delete(key)).isTrue();
        assertThat(blocking.exists(key)).isFalse();
        assertThat(blocking.getOrSet(key, () -> "produced")).isEqualTo("produced");
        assertThat(blocking.get(key)).isEqualTo("produced");
    }

    /** Big values: a 512 KB one (below every server's item limit) is stored and read back whole. */
    @Test
    void largeValuesRoundTrip() {
        String large = "v".repeat(512 * 1024);
        assertThat(blocking.set("large", large)).isTrue();
        assertThat(blocking.get("large")).isEqualTo(large);
        assertThat(blocking.getOrSet("produced-large", () -> large)).isEqualTo(large);
        assertThat(blocking.get("produced-large")).isEqualTo(large);
    }

    // ------------------------------------------------------------------ max value size

    /** A cache of this backend whose values are bytes, limited to {@code max_value_size}, its events recorded. */
    private BlockingCache limitedBytes(String maxValueSize, List<CacheEvent> events) {
        return manager.setup(otherPrefix("limited"), config().name("limited").serializer("bytes")
                .option("max_value_size", maxValueSize).plugins(new CachePlugin() {
                    @Override
                    public void onEvent(CacheEvent event) {
                        events.add(event);
                    }
                }).build()).blocking();
    }

    private static byte[] bytesOf(long size) {
        byte[] bytes = new byte[Math.toIntExact(size)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    @Test
    void aValueAtMaxValueSizeRoundTripsAndOneByteOverFailsBeforeTheBackend() {
        List<CacheEvent> events = new CopyOnWriteArrayList<>();
        BlockingCache limited = limitedBytes("64k", events);
        byte[] atLimit = bytesOf(64 * 1024);
        assertThat(limited.set("at-limit", atLimit)).isTrue();
        assertThat((byte[]) limited.get("at-limit")).isEqualTo(atLimit);
        assertThat(limited.add("added", atLimit, null)).isTrue();
        assertThat((byte[]) limited.get("added")).isEqualTo(atLimit);

        String longKey = "key-" + "x".repeat(996);
        assertThatThrownBy(() -> limited.set(longKey, bytesOf(64 * 1024 + 1))).isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("65537 bytes").hasMessageContaining("max_value_size (65536 bytes)")
                .hasMessageContaining("'key-xxx").hasMessageContaining("(1000 characters)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(longKey));
        assertThat(limited.exists(longKey)).isFalse();
        assertThat(events).anyMatch(e -> e.kind() == CacheEvent.Kind.VALUE_TOO_LARGE && longKey.equals(e.key()));
        assertThatThrownBy(() -> limited.add("over", bytesOf(64 * 1024 + 1), null)).isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("'over'");
        assertThat(limited.exists("over")).isFalse();

        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("small", bytesOf(10));
        batch.put("over", bytesOf(64 * 1024 + 1));
        assertThatThrownBy(() -> limited.multiSet(batch, null)).as("all or nothing").isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("'over'");
        assertThat(limited.exists("small")).as("nothing of the batch was stored").isFalse();

        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> limited.set("over", bytesOf(64 * 1024 + 1))).isInstanceOf(ValueTooLargeException.class);
        }
        assertThat(limited.set("after", bytesOf(1))).as("not backend failures: the circuit breaker stays closed").isTrue();
        assertThat(events).noneMatch(e -> e.kind() == CacheEvent.Kind.CIRCUIT_OPENED);
    }

    /** getOrSet of a value over max_value_size returns it unstored: the producer runs again on the next call. */
    @Test
    void getOrSetOfAValueOverMaxValueSizeReturnsItUnstoredAndReportsIt() {
        List<CacheEvent> events = new CopyOnWriteArrayList<>();
        BlockingCache limited = limitedBytes("64k", events);
        byte[] over = bytesOf(64 * 1024 + 1);
        AtomicInteger runs = new AtomicInteger();
        for (int call = 1; call <= 2; call++) {
            assertThat((byte[]) limited.getOrSet("big", () -> {
                runs.incrementAndGet();
                return over;
            })).isEqualTo(over);
            assertThat(runs).as("the producer ran on call %d", call).hasValue(call);
            assertThat(limited.exists("big")).isFalse();
        }
        assertThat(events).filteredOn(e -> e.kind() == CacheEvent.Kind.VALUE_TOO_LARGE && "big".equals(e.key()))
                .hasSize(2).allMatch(e -> e.error() instanceof ValueTooLargeException);
        byte[] fits = bytesOf(64 * 1024);
        assertThat((byte[]) limited.getOrSet("fits", () -> fits)).isEqualTo(fits);
        assertThat((byte[]) limited.get("fits")).isEqualTo(fits);
    }

    /**
     * The backend's own default: a value at it is stored and read back (short and long keys), one
     * byte more fails before the backend. Without a default (memory), the 21-million-character
     * string that Jackson's reader used to refuse round-trips in JSON.
     */
    @Test
    void aValueAtTheBackendsDefaultMaxValueSizeRoundTrips() {
        long limit = defaultMaxValueSize();
        if (limit == Long.MAX_VALUE) {
            BlockingCache json = serializerCache("json");
            String huge = "v".repeat(21_000_000);
            assertThat(json.set("huge", huge)).isTrue();
            assertThat(json.get("huge")).isEqualTo(huge);
            return;
        }
        BlockingCache json = serializerCache("json");
        assertThatThrownBy(() -> json.set("huge", "v".repeat(Math.toIntExact(limit)))).isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("max_value_size (" + limit + " bytes)");
        BlockingCache bytes = serializerCache("bytes");
        byte[] atLimit = bytesOf(limit);
        String longKey = "k".repeat(300);
        assertThat(bytes.set("at-limit", atLimit)).isTrue();
        assertThat(bytes.set(longKey, atLimit)).isTrue();
        assertThat((byte[]) bytes.get("at-limit")).isEqualTo(atLimit);
        assertThat((byte[]) bytes.get(longKey)).isEqualTo(atLimit);
        assertThatThrownBy(() -> bytes.set("over", bytesOf(limit + 1))).isInstanceOf(ValueTooLargeException.class);
    }

    /** The default max_value_size this backend's provider declares. */
    private long defaultMaxValueSize() {
        String backend = config().build().backend();
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
            if (provider.name().equals(backend)) {
                return provider.defaultMaxValueSize();
            }
        }
        throw new AssertionError("no provider for backend " + backend);
    }

    @Test
    void keysAndClearTreatEveryKeyShapeAsAnOrdinaryKey() {
        List<String> shapes = keyShapes();
        for (String key : shapes) {
            blocking.set(key, valueOf(key));
        }
        for (String key : shapes) {
            assertThat(blocking.get(key)).as("no shape overwrote another: %s", key).isEqualTo(valueOf(key));
        }
        if (capabilities().listsKeys()) {
            assertThat(blocking.keys("", 1000)).containsExactlyInAnyOrderElementsOf(shapes);
            assertThat(blocking.keys("a*b?[", 100)).as("glob characters are literal").containsExactly("a*b?[c]\\d");
            assertThat(blocking.keys("*", 100)).containsExactly("*");
            assertThat(blocking.keys("[", 100)).containsExactlyInAnyOrder("[", "[abc]");
            assertThat(blocking.keys("x-", 100)).containsExactly("x-lock");
        }
        assertThat(blocking.clear()).isTrue();
        for (String key : shapes) {
            assertThat(blocking.exists(key)).as("cleared: %s", key).isFalse();
        }
    }

    @Test
    void aUserKeyEndingInLockNeverBlocksGetOrSet() {
        blocking.set("x-lock", "a user value");
        GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(LONG_LEASE);

        assertThat(within(Duration.ofSeconds(10), cache.getOrSet("x", () -> CompletableFuture.completedFuture("produced"),
                options))).isEqualTo("produced");
        assertThat(blocking.get("x-lock")).isEqualTo("a user value");

        // While "y" is being produced, "y-lock" is still an ordinary (absent) key.
        CompletableFuture<String> gate = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> producing = cache.getOrSet("y", () -> {
            calls.incrementAndGet();
            return gate;
        }, options);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
        assertThat(blocking.exists("y-lock")).isFalse();
        assertThat(blocking.get("y-lock")).isNull();
        if (capabilities().listsKeys()) {
            assertThat(blocking.keys("", 100)).containsExactlyInAnyOrder("x", "x-lock");
        }
        gate.complete("y's value");
        assertThat(within(Duration.ofSeconds(10), producing)).isEqualTo("y's value");
    }

    // ------------------------------------------------------------------ prefixes and managers

    @Test
    void twoPrefixesNeverShareKeys() {
        ZodiacCache other = manager.setup(otherPrefix("other"), config().name("other").build());
        blocking.set("k", "mine");
        other.blocking().set("k", "theirs");
        other.blocking().set("only-theirs", 1);

        assertThat(blocking.get("k")).isEqualTo("mine");
        assertThat(blocking.exists("only-theirs")).isFalse();
        if (capabilities().listsKeys()) {
            assertThat(blocking.keys("", 100)).containsExactly("k");
        }
        assertThat(blocking.clear()).isTrue();
        assertThat(other.blocking().get("k")).isEqualTo("theirs");
        assertThat(other.blocking().get("only-theirs")).isEqualTo(1);
    }

    @Test
    void globCharactersInPrefixesAreLiteral() {
        ZodiacCache star = manager.setup(otherPrefix("k*"), config().name("star").build());
        ZodiacCache question = manager.setup(otherPrefix("k?"), config().name("question").build());
        ZodiacCache plain = manager.setup(otherPrefix("kX"), config().name("plain").build());
        star.blocking().set("a1", 1);
        question.blocking().set("a1", 2);
        plain.blocking().set("a1", 3);

        if (capabilities().listsKeys()) {
            assertThat(star.blocking().keys("", 100)).containsExactly("a1");
            assertThat(question.blocking().keys("a", 100)).containsExactly("a1");
        }
        assertThat(question.blocking().clear()).isTrue();
        assertThat(star.blocking().get("a1")).isEqualTo(1);
        assertThat(plain.blocking().get("a1")).isEqualTo(3);
        assertThat(star.blocking().clear()).isTrue();
        assertThat(plain.blocking().get("a1")).isEqualTo(3);
    }

    @Test
    void nestedPrefixesNeverShareKeys() {
        String app = otherPrefix("app");
        ZodiacCache outer = manager.setup(app, config().name("app").build());
        ZodiacCache inner = manager.setup(app + ":sub", config().name("app:sub").build());
        inner.blocking().set("s1", "inner's");
        outer.blocking().set("o1", "outer's");

        assertThat(outer.blocking().get("sub:s1")).as("the outer cache never reads the inner one's keys").isNull();
        assertThat(outer.blocking().exists("sub:s1")).isFalse();
        assertThat(inner.blocking().get("s1")).isEqualTo("inner's");
        outer.blocking().set("sub:s1", "outer's own");
        assertThat(inner.blocking().get("s1")).isEqualTo("inner's");
        assertThat(outer.blocking().get("sub:s1")).isEqualTo("outer's own");
        if (capabilities().listsKeys()) {
            assertThat(outer.blocking().keys("", 100)).containsExactlyInAnyOrder("o1", "sub:s1");
            assertThat(inner.blocking().keys("", 100)).containsExactly("s1");
        }

        assertThat(outer.blocking().clear()).isTrue();
        assertThat(inner.blocking().get("s1")).as("clear of 'app' leaves 'app:sub'").isEqualTo("inner's");
        outer.blocking().set("o1", "outer's");
        assertThat(inner.blocking().clear()).isTrue();
        assertThat(outer.blocking().get("o1")).as("clear of 'app:sub' leaves 'app'").isEqualTo("outer's");
        assertThat(outer.namespace()).isNotEqualTo(inner.namespace());
        assertThat(inner.namespace()).doesNotStartWith(outer.namespace() + ":");
    }

    @Test
    void twoNamesOfOneManagerCannotShareAPrefix() {
        assertThatThrownBy(() -> manager.setup(prefix, config().name("second").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'second'").hasMessageContaining("'default'").hasMessageContaining("'" + prefix + "'");
        assertThat(manager.isSetUp("second")).isFalse();
        assertThat(manager.setup(prefix, config().build())).as("the same name again is a no-op").isSameAs(cache);
    }

    @Test
    void twoManagersOnOnePrefix() {
        try (CacheManager elsewhere = new CacheManager()) {
            BlockingCache remote = elsewhere.setup(prefix, config().build()).blocking();
            blocking.set("k", "before");
            if (!capabilities().sharesAcrossManagers()) {
                assertThat(remote.get("k")).as("each manager has its own store").isNull();
                return;
            }
            assertThat(remote.get("k")).isEqualTo("before");
            assertThat(remote.getOrSet("k", () -> "not called")).isEqualTo("before");
            assertThat(remote.getOrSet("produced", () -> "once")).isEqualTo("once");
            assertThat(blocking.getOrSet("produced", () -> "twice")).isEqualTo("once");

            assertThat(remote.clear()).isTrue();
            assertThat(blocking.get("k")).as("a clear by another manager is seen at once").isNull();
            assertThat(blocking.add("k", "after", null)).isTrue();
            assertThat(remote.get("k")).isEqualTo("after");
        }
    }

    @Test
    void aClosedCacheFailsClearly() {
        blocking.set("k", "v");
        for (int read = 0; read < 3; read++) {
            assertThat(blocking.get("k")).isEqualTo("v"); // held in this process now, by a near cache or in memory
        }
        manager.shutdown(CacheManager.DEFAULT_CACHE_NAME).join();

        assertThatThrownBy(() -> blocking.get("k")).as("blocking get of a closed cache, from what this process held")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> blocking.get("k", String.class)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> blocking.getOrDefault("k", "d")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");

        assertThatThrownBy(() -> within(Duration.ofSeconds(10), cache.get("k"))).as("get of a closed cache")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> blocking.set("k", "w")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> within(Duration.ofSeconds(10), cache.getOrSet("k",
                () -> CompletableFuture.completedFuture("p")))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> within(Duration.ofSeconds(10), cache.getOrSet("k",
                () -> CompletableFuture.completedFuture("p"), refreshing()))).as("refreshing getOrSet of a closed cache")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> within(Duration.ofSeconds(10), cache.getOrSetAll(List.of("k", "j"),
                missed -> CompletableFuture.completedFuture(Map.<String, String>of()), GetOrSetOptions.defaults())))
                .as("getOrSetAll of a closed cache").isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(manager::cache).hasMessageContaining("is not initialized");
    }

    @Test
    void aManagerShutDownWholeSetsItsCachesUpAgain() {
        blocking.set("k", "v");
        manager.shutdown().join();
        assertThatThrownBy(() -> blocking.get("k")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");

        BlockingCache again = manager.setup(prefix, config().build()).blocking();
        assertThat(again.set("k2", "v2")).isTrue();
        assertThat(again.get("k2")).isEqualTo("v2");
        assertThat(again.getOrSet("k3", () -> "produced")).isEqualTo("produced");
        if (capabilities().sharesAcrossManagers()) {
            assertThat(again.get("k")).as("stored before the shutdown, on the server").isEqualTo("v");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The value of {@code future}, failing the row when it takes longer than {@code bound}. */
    protected static <T> T within(Duration bound, CompletableFuture<T> future) {
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer within " + bound.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The exception {@code future} fails with (unwrapped), waiting at most 10 s. */
    protected static Throwable failure(CompletableFuture<?> future) {
        return failureWithin(Duration.ofSeconds(10), future);
    }

    /** The exception {@code future} fails with (unwrapped), failing the row when it takes longer than {@code bound}. */
    protected static Throwable failureWithin(Duration bound, CompletableFuture<?> future) {
        try {
            Object value = future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException | CompletionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete in " + bound.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
