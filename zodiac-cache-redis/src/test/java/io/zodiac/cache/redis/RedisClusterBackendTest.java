package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.await;
import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisCluster;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisClusterBackendTest {

    @RegisterExtension
    static final RedisExtension CLUSTER = RedisExtension.cluster();

    private final CacheManager manager = new CacheManager();
    private final RedisCluster cluster = CLUSTER.redisCluster();
    private final String prefix;
    private final ZodiacCache cache;
    private final BlockingCache blocking;

    RedisClusterBackendTest(TestInfo test) {
        prefix = test.getTestMethod().orElseThrow().getName();
        cache = manager.setup(prefix, on(cluster).build());
        blocking = cache.blocking();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private String redisKey(String key) {
        return "zodiac_cache:" + prefix + ":" + key;
    }

    private String raw(String key, String... command) {
        String[] args = new String[command.length + 1];
        System.arraycopy(command, 0, args, 0, command.length);
        args[command.length] = redisKey(key);
        return cluster.nodeForKey(redisKey(key)).command(args);
    }

    /** Keys whose slots are served by every node of the cluster. */
    private Map<String, Object> keysOnEveryNode(int count) {
        Map<String, Object> values = new LinkedHashMap<>();
        Set<RedisServer> nodes = new HashSet<>();
        for (int i = 0; i < count; i++) {
            values.put("k" + i, i);
            nodes.add(cluster.nodeForKey(redisKey("k" + i)));
        }
        assertThat(nodes).hasSize(cluster.nodes().size());
        return values;
    }

    @Test
    void multiSetAndMultiGetSpanSlotsAndNodesWithTheTtlOnEveryKey() {
        Map<String, Object> values = keysOnEveryNode(30);

        assertThat(blocking.multiSet(values, Duration.ofSeconds(60))).isTrue();

        for (String key : values.keySet()) {
            assertThat(Long.parseLong(raw(key, "PTTL"))).isBetween(1L, 60_000L);
        }
        List<String> asked = new ArrayList<>(values.keySet());
        asked.add(1, "missing");
        Map<String, Object> found = blocking.multiGet(asked);
        assertThat(found).containsExactlyEntriesOf(values);

        assertThat(blocking.multiSet(Map.of("a", 1, "b", 2, "c", 3), null)).isTrue();
        assertThat(blocking.multiGet(List.of("a", "b", "c"))).containsOnlyKeys("a", "b", "c");
        assertThat(raw("a", "PTTL")).isEqualTo("-1");
    }

    @Test
    void keysAndClearCoverEveryMaster() {
        ZodiacCache neighbour = manager.setup(prefix + "X", on(cluster).name("neighbour").build());
        Map<String, Object> values = keysOnEveryNode(30);
        blocking.multiSet(values, null);
        neighbour.blocking().set("k1", "stays");

        assertThat(blocking.keys("k", 1000)).containsExactlyInAnyOrderElementsOf(values.keySet());
        assertThat(blocking.keys("", 5)).hasSize(5);

        assertThat(blocking.clear()).isTrue();

        assertThat(blocking.keys("", 1000)).isEmpty();
        assertThat(neighbour.blocking().get("k1")).isEqualTo("stays");
    }

    @Test
    void incrementExpireAndTtlWorkOnEveryNode() {
        for (String key : keysOnEveryNode(30).keySet()) {
            assertThat(blocking.increment(key, 2)).isEqualTo(2);
            assertThat(blocking.expire(key, Duration.ofSeconds(60))).isTrue();
            assertThat(blocking.ttl(key)).isPositive();
            assertThat(blocking.expire(key, null)).isTrue();
            assertThat(blocking.ttl(key)).isEqualTo(Backend.NO_EXPIRY);
        }
    }

    @Test
    void releasesOfLocksOnEveryNodeWakeTheWaitersOfAnotherManager() {
        try (CacheManager other = new CacheManager()) {
            Backend theirs = ((DefaultZodiacCache) other.setup(prefix, on(cluster).build())).backend();
            Backend mine = ((DefaultZodiacCache) cache).backend();
            for (String key : keysOnEveryNode(30).keySet()) {
                CompletableFuture<Void> released = theirs.releaseSignal(key);
                assertThat(mine.tryLock(key, "t", Duration.ofSeconds(30)).join()).isTrue();
                assertThat(theirs.tryLock(key, "u", Duration.ofSeconds(30)).join()).isFalse();
                assertThat(mine.unlock(key, "t").join()).isTrue();
                await(released, Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void getOrSetStoresOnTheNodeOfTheKey() {
        String value = blocking.getOrSet("answer", () -> "42");

        assertThat(value).isEqualTo("42");
        assertThat(raw("answer", "GET")).isEqualTo("\"42\"");
        String lock = "zodiac_lock:" + prefix + ":answer";
        assertThat(cluster.nodeForKey(lock).command("EXISTS", lock)).isEqualTo("0");
    }

    private String lockKey(String key) {
        return "zodiac_lock:" + prefix + ":" + key;
    }

    @Test
    void aHeldLockIsNeitherListedNorClearedOnAnyNode() {
        Backend backend = ((DefaultZodiacCache) cache).backend();
        Map<String, Object> keys = keysOnEveryNode(30);
        for (String key : keys.keySet()) {
            assertThat(backend.tryLock(key, "holder", Duration.ofSeconds(30)).join()).isTrue();
            blocking.set(key, "v");
        }

        assertThat(blocking.keys("", 1000)).containsExactlyInAnyOrderElementsOf(keys.keySet());
        assertThat(blocking.clear()).isTrue();

        assertThat(blocking.keys("", 1000)).isEmpty();
        for (String key : keys.keySet()) {
            assertThat(cluster.nodeForKey(lockKey(key)).command("GET", lockKey(key))).isEqualTo("holder");
            assertThat(backend.unlock(key, "holder").join()).isTrue();
        }
    }
}
