package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.await;
import static io.zodiac.cache.redis.RedisTesting.awaitConnected;
import static io.zodiac.cache.redis.RedisTesting.failure;
import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
    void storesJsonUnderTheNamespacedKey() {
        blocking.set("user:1", new User("ada", 36));

        assertThat(server.command("GET", redisKey("user:1"))).isEqualTo("{\"name\":\"ada\",\"age\":36}");
        ZodiacCache nested = manager.setup(prefix + ":sub%", on(server).name("nested").build());
        nested.blocking().set("k", 1);
        assertThat(server.command("GET", "zodiac_cache:" + prefix + "%3Asub%25:k")).as("the prefix is escaped").isEqualTo("1");
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
        awaitConnected(cache); // the SUBSCRIBE, sent in the background, is not counted
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
    void ttlsAreRedisExpiriesInMilliseconds() {
        blocking.set("k", "v", Duration.ofSeconds(30));
        assertThat(Long.parseLong(server.command("PTTL", redisKey("k")))).isBetween(1L, 30_000L);
        assertThat(blocking.expire("k", null)).isTrue();
        assertThat(server.command("PTTL", redisKey("k"))).isEqualTo("-1");
        blocking.increment("n", 1);
        blocking.expire("n", Duration.ofMillis(1500));
        assertThat(Long.parseLong(server.command("PTTL", redisKey("n")))).isBetween(1L, 1500L);
    }

    @Test
    void multiSetGivesEveryKeyItsRedisExpiry() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            values.put("m" + i, i);
        }
        assertThat(blocking.multiSet(values, Duration.ofSeconds(60))).isTrue();

        for (int i = 0; i < 20; i++) {
            assertThat(Long.parseLong(server.command("PTTL", redisKey("m" + i)))).isBetween(1L, 60_000L);
        }
        assertThat(blocking.multiSet(Map.of("forever", "x"), null)).isTrue();
        assertThat(server.command("PTTL", redisKey("forever"))).isEqualTo("-1");
    }

    @Test
    void incrementOfANonIntegerFailsWithoutCountingAgainstTheBackend() {
        CacheConfig config = on(server).circuitBreaker(1, Duration.ofMinutes(1)).name("strict").build();
        ZodiacCache strict = manager.setup(prefix + "-strict", config);
        strict.blocking().set("name", "ada");

        assertThat(failure(strict.increment("name", 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'name'")
                .hasMessageContaining("not an integer");
        assertThat(strict.blocking().get("name")).isEqualTo("ada");
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
        try (CacheManager other = new CacheManager(); CacheManager third = new CacheManager()) {
            ZodiacCache byUri = manager.setup(prefix + "-db3", CacheConfig.fromUri(server.uri() + "/3").name("uri").build());
            ZodiacCache byMap = other.setup(prefix + "-db3", CacheConfig.fromMap(Map.of("cache", "redis", "name", "map",
                    "endpoint", server.host(), "port", server.port(), "db", 3)));
            ZodiacCache db0 = third.setup(prefix + "-db3", on(server).build());

            byUri.blocking().set("shared", "db3");

            assertThat(byMap.blocking().get("shared")).isEqualTo("db3");
            assertThat(db0.blocking().get("shared")).as("database 0").isNull();
        }
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
            ZodiacCache their = other.setup(prefix, on(server).build());
            Backend theirs = ((DefaultZodiacCache) their).backend();
            Backend mine = ((DefaultZodiacCache) cache).backend();
            // the subscription is made in the background, and its confirmation wakes every waiter to look again
            awaitConnected(their);
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
