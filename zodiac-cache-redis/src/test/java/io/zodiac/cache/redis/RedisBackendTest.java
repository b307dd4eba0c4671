package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.await;
import static io.zodiac.cache.redis.RedisTesting.failure;
import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.TypeRef;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.serializer.SerializationException;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisBackendTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    private static final Pattern COMMAND_STAT = Pattern.compile("^cmdstat_([a-z|]+):calls=(\\d+)");

    record User(String name, int age) {
    }

    private final CacheManager manager = new CacheManager();
    private final RedisServer server = REDIS.server();
    private final String prefix;
    private final ZodiacCache cache;
    private final BlockingCache blocking;

    RedisBackendTest(TestInfo test) {
        prefix = test.getTestMethod().orElseThrow().getName();
        cache = manager.setup(prefix, on(server).build());
        blocking = cache.blocking();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private String redisKey(String key) {
        return "zodiac_cache:" + prefix + ":" + key;
    }

    private String lockKey(String key) {
        return "zodiac_lock:" + prefix + ":" + key;
    }

    @Test
    void storesJsonUnderTheNamespacedKeyAndReadsItTyped() {
        blocking.set("user:1", new User("ada", 36));

        assertThat(server.command("GET", redisKey("user:1"))).isEqualTo("{\"name\":\"ada\",\"age\":36}");
        assertThat(blocking.get("user:1", User.class)).isEqualTo(new User("ada", 36));
        assertThat(blocking.get("user:1")).isEqualTo(Map.of("name", "ada", "age", 36));
        blocking.set("users", List.of(new User("bob", 7)));
        assertThat(blocking.get("users", new TypeRef<List<User>>() { })).containsExactly(new User("bob", 7));
    }

    /** Calls per command since the last {@code CONFIG RESETSTAT}, from {@code INFO commandstats}: {@code get -> 2}. */
    private Map<String, Long> commandCalls() {
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String line : server.command("INFO", "commandstats").split("\r?\n")) {
            Matcher stat = COMMAND_STAT.matcher(line);
            if (stat.find()) {
                calls.put(stat.group(1), Long.parseLong(stat.group(2)));
            }
        }
        calls.keySet().removeIf(command -> command.startsWith("info") || command.startsWith("config")); // the test's own
        return calls;
    }

    @Test
    void aGetOrSetHitIsOneGetAndAMissTakesTheLockOnce() {
        blocking.set("k", "stored");
        server.command("CONFIG", "RESETSTAT");
        assertThat(blocking.getOrSet("k", () -> "produced")).isEqualTo("stored");
        assertThat(commandCalls()).as("a hit").containsExactly(Map.entry("get", 1L));

        server.command("CONFIG", "RESETSTAT");
        assertThat(blocking.getOrSet("cold", () -> "produced")).isEqualTo("produced");
        // the script's own commands count too: its GET of the lock, DEL and PUBLISH
        assertThat(commandCalls()).as("a miss: the read, the lock, the read under the lock, the value, the release")
                .containsEntry("get", 3L).containsEntry("set", 2L).containsEntry("publish", 1L);
        assertThat(server.command("GET", redisKey("cold"))).isEqualTo("\"produced\"");
        assertThat(server.command("EXISTS", lockKey("cold"))).as("the lock is released").isEqualTo("0");
    }

    @Test
    void aStoredNullReadsAsNullButExists() {
        blocking.set("nothing", null);

        assertThat(blocking.get("nothing")).isNull();
        assertThat(blocking.exists("nothing")).isTrue();
        assertThat(blocking.exists("absent")).isFalse();
        assertThat(blocking.get("absent")).isNull();
    }

    @Test
    void setWithTtlExpiresAndExpireChangesOrRemovesTheTtl() {
        blocking.set("k", "v", Duration.ofSeconds(30));
        assertThat(Long.parseLong(server.command("PTTL", redisKey("k")))).isBetween(1L, 30_000L);
        assertThat(blocking.ttl("k")).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(30));

        assertThat(blocking.expire("k", null)).isTrue();
        assertThat(blocking.ttl("k")).isEqualTo(Backend.NO_EXPIRY);
        assertThat(blocking.expire("absent", null)).isFalse();
        assertThat(blocking.expire("absent", Duration.ofSeconds(5))).isFalse();
        assertThat(blocking.ttl("absent")).isNull();

        assertThat(blocking.expire("k", Duration.ofMillis(100))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !blocking.exists("k"));
    }

    @Test
    void addStoresOnlyWhenAbsent() {
        assertThat(blocking.add("k", "first", Duration.ofSeconds(30))).isTrue();
        assertThat(blocking.add("k", "second", Duration.ofSeconds(30))).isFalse();
        assertThat(blocking.get("k")).isEqualTo("first");
        assertThat(blocking.ttl("k")).isPositive();
    }

    @Test
    void deleteTellsWhetherTheKeyWasThere() {
        blocking.set("k", 1);
        assertThat(blocking.delete("k")).isTrue();
        assertThat(blocking.delete("k")).isFalse();
        assertThat(server.command("EXISTS", redisKey("k"))).isEqualTo("0");
    }

    @Test
    void multiSetGivesEveryKeyItsValueAndTtlAndMultiGetLeavesOutAbsentKeys() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            values.put("m" + i, i);
        }
        assertThat(blocking.multiSet(values, Duration.ofSeconds(60))).isTrue();

        for (int i = 0; i < 20; i++) {
            assertThat(Long.parseLong(server.command("PTTL", redisKey("m" + i)))).isBetween(1L, 60_000L);
        }
        Map<String, Object> found = blocking.multiGet(List.of("m0", "missing", "m19"));
        assertThat(found).containsExactly(Map.entry("m0", 0), Map.entry("m19", 19));

        assertThat(blocking.multiSet(Map.of("forever", "x"), null)).isTrue();
        assertThat(server.command("PTTL", redisKey("forever"))).isEqualTo("-1");
    }

    @Test
    void incrementCountsFromZeroKeepsTheTtlAndReadsAsANumber() {
        assertThat(blocking.increment("fresh", 2)).isEqualTo(2);
        blocking.set("hits", 5, Duration.ofSeconds(60));

        assertThat(blocking.increment("hits", 3)).isEqualTo(8);
        assertThat(blocking.increment("hits", -10)).isEqualTo(-2);
        assertThat(blocking.get("hits", Long.class)).isEqualTo(-2L);
        assertThat(blocking.ttl("hits")).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
    }

    @Test
    void incrementOfANonIntegerFailsWithoutCountingAgainstTheBackend() {
        blocking.set("name", "ada");
        CacheConfig config = on(server).circuitBreaker(1, Duration.ofMinutes(1)).name("strict").build();
        ZodiacCache strict = manager.setup(prefix, config);
        strict.blocking().set("name", "ada");

        assertThat(failure(strict.increment("name", 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'name'")
                .hasMessageContaining("not an integer");
        assertThat(strict.blocking().get("name")).isEqualTo("ada");
    }

    @Test
    void aValueTheSerializerCannotEncodeFailsSetAndStoresNothing() {
        Object unencodable = new Object();

        assertThat(failure(cache.set("bad", unencodable))).isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.lang.Object");
        assertThat(failure(cache.multiSet(Map.of("good", 1, "bad", unencodable), null)))
                .isInstanceOf(SerializationException.class);
        assertThat(server.command("EXISTS", redisKey("bad"), redisKey("good"))).isEqualTo("0");
    }

    @Test
    void aCorruptValueIsAMissAndGetOrSetOverwritesIt() {
        server.command("SET", redisKey("corrupt"), "\u0000\u00ff{garbage");

        assertThat(blocking.get("corrupt")).isNull();
        String value = blocking.getOrSet("corrupt", () -> "fresh");

        assertThat(value).isEqualTo("fresh");
        assertThat(server.command("GET", redisKey("corrupt"))).isEqualTo("\"fresh\"");
    }

    @Test
    void keysListsThisNamespaceOnlyEvenWhenPrefixesHoldGlobCharacters() {
        ZodiacCache star = manager.setup("k*", on(server).name("star").build());
        ZodiacCache plain = manager.setup("keysX", on(server).name("plain").build());
        star.blocking().set("a[1]", 1);
        star.blocking().set("a1", 2);
        star.blocking().set("b?", 3);
        plain.blocking().set("a1", 4);

        assertThat(star.blocking().keys("", 100)).containsExactlyInAnyOrder("a[1]", "a1", "b?");
        assertThat(star.blocking().keys("a[", 100)).containsExactly("a[1]");
        assertThat(star.blocking().keys("b?", 100)).containsExactly("b?");
        assertThat(star.blocking().keys("", 2)).hasSize(2);
        assertThat(plain.blocking().keys("", 100)).containsExactly("a1");
    }

    @Test
    void clearRemovesThisNamespaceAndNothingElse() {
        ZodiacCache question = manager.setup("c?", on(server).name("question").build());
        ZodiacCache neighbour = manager.setup("cX", on(server).name("neighbour").build());
        for (int i = 0; i < 1200; i++) {
            question.set("k" + i, i);
        }
        question.blocking().set("last", 1);
        neighbour.blocking().set("k1", "stays");
        server.command("SET", "zodiac_cache:c?", "not in the namespace");

        assertThat(question.blocking().clear()).isTrue();

        assertThat(question.blocking().keys("", 10)).isEmpty();
        assertThat(neighbour.blocking().get("k1")).isEqualTo("stays");
        assertThat(server.command("GET", "zodiac_cache:c?")).isEqualTo("not in the namespace");
    }

    @Test
    void fromUriAndFromMapReachTheSameDatabase() {
        ZodiacCache byUri = manager.setup(prefix, CacheConfig.fromUri(server.uri() + "/3").name("uri").build());
        ZodiacCache byMap = manager.setup(prefix, CacheConfig.fromMap(Map.of("cache", "redis", "name", "map",
                "endpoint", server.host(), "port", server.port(), "db", 3)));

        byUri.blocking().set("shared", "db3");

        assertThat(byMap.blocking().get("shared")).isEqualTo("db3");
        assertThat(blocking.get("shared")).isNull();
    }

    @Test
    void theLockIsReleasedOnlyByItsHolder() {
        Backend backend = ((DefaultZodiacCache) cache).backend();
        Duration lease = Duration.ofSeconds(30);

        assertThat(backend.tryLock("k", "mine", lease).join()).isTrue();
        assertThat(server.command("GET", lockKey("k"))).isEqualTo("mine");
        assertThat(Long.parseLong(server.command("PTTL", lockKey("k")))).isBetween(1L, 30_000L);
        assertThat(backend.tryLock("k", "theirs", lease).join()).isFalse();
        assertThat(backend.unlock("k", "theirs").join()).isFalse();
        assertThat(server.command("GET", lockKey("k"))).isEqualTo("mine");

        assertThat(backend.unlock("k", "mine").join()).isTrue();
        assertThat(server.command("EXISTS", lockKey("k"))).isEqualTo("0");
        assertThat(backend.unlock("k", "mine").join()).isFalse();
    }

    @Test
    void theUnlockScriptRunsAgainAfterTheServerForgotIt() {
        Backend backend = ((DefaultZodiacCache) cache).backend();
        backend.tryLock("k", "t", Duration.ofSeconds(30)).join();
        server.command("SCRIPT", "FLUSH");

        assertThat(backend.unlock("k", "t").join()).isTrue();
        assertThat(server.command("EXISTS", lockKey("k"))).isEqualTo("0");
    }

    @Test
    void aReleaseWakesTheWaitersOfOtherManagersAndOnlyForThatKey() {
        try (CacheManager other = new CacheManager()) {
            Backend theirs = ((DefaultZodiacCache) other.setup(prefix, on(server).build())).backend();
            Backend mine = ((DefaultZodiacCache) cache).backend();
            CompletableFuture<Void> released = theirs.releaseSignal("k");
            CompletableFuture<Void> unrelated = theirs.releaseSignal("other");
            CompletableFuture<Void> abandoned = theirs.releaseSignal("k");
            abandoned.cancel(false);

            mine.tryLock("k", "t", Duration.ofSeconds(30)).join();
            mine.unlock("k", "t").join();

            await(released, Duration.ofSeconds(5));
            assertThat(unrelated).isNotDone();
            unrelated.cancel(false);
            assertThat(((RedisBackend) theirs).signals().waitingKeys()).isZero();
        }
    }

    @Test
    void getOrSetStoresTheProducedValueWithItsTtlAndRunsTheProducerOnce() {
        AtomicInteger calls = new AtomicInteger();
        GetOrSetOptions<User> options = GetOrSetOptions.<User>defaults().ttl(Duration.ofSeconds(60)).type(User.class);

        User first = cache.getOrSet("u", () -> CompletableFuture.completedFuture(new User("ada", calls.incrementAndGet())),
                options).join();
        User second = cache.getOrSet("u", () -> CompletableFuture.completedFuture(new User("ada", calls.incrementAndGet())),
                options).join();

        assertThat(first).isEqualTo(new User("ada", 1)).isEqualTo(second);
        assertThat(calls).hasValue(1);
        assertThat(blocking.ttl("u")).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(60));
        assertThat(server.command("EXISTS", lockKey("u"))).isEqualTo("0");
    }

    @Test
    void aFailingProducerReachesTheCallerStoresNothingAndReleasesTheLock() {
        CompletableFuture<String> result = cache.getOrSet("k",
                () -> CompletableFuture.failedFuture(new IllegalStateException("source down")));

        assertThat(failure(result)).isInstanceOf(IllegalStateException.class).hasMessage("source down");
        assertThat(server.command("EXISTS", redisKey("k"), lockKey("k"))).isEqualTo("0");
    }

    @Test
    void aUserKeyEndingInLockIsAnOrdinaryKeyAndNeverBlocksGetOrSet() {
        assertThat(blocking.set("x-lock", "u")).isTrue();
        assertThat(blocking.get("x-lock")).isEqualTo("u");
        assertThat(server.command("GET", redisKey("x-lock"))).isEqualTo("\"u\"");

        assertThat(await(cache.getOrSet("x", () -> CompletableFuture.completedFuture("produced")), Duration.ofSeconds(2)))
                .isEqualTo("produced");
        assertThat(blocking.get("x-lock")).as("untouched by the lock of x").isEqualTo("u");
        assertThat(blocking.delete("x-lock")).isTrue();
        assertThat(blocking.exists("x-lock")).isFalse();
        assertThat(blocking.get("x")).isEqualTo("produced");
    }

    @Test
    void aHeldLockIsNeitherListedNorCleared() {
        Backend backend = ((DefaultZodiacCache) cache).backend();
        assertThat(backend.tryLock("k", "holder", Duration.ofSeconds(30)).join()).isTrue();
        blocking.set("a", 1);
        blocking.set("k-lock", 2);

        assertThat(blocking.keys("", 100)).containsExactlyInAnyOrder("a", "k-lock");
        assertThat(blocking.clear()).isTrue();

        assertThat(blocking.keys("", 100)).isEmpty();
        assertThat(server.command("GET", lockKey("k"))).isEqualTo("holder");
        assertThat(backend.tryLock("k", "another", Duration.ofSeconds(30)).join()).isFalse();
        assertThat(backend.unlock("k", "holder").join()).isTrue();
    }
}
