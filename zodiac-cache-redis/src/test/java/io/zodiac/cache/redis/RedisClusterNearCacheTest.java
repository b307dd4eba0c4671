package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.testkit.RedisCluster;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The near cache on a Redis Cluster of 3 masters: local reads of keys on every master, invalidation
 * by other clients whichever master holds the key, and a master killed and restarted, after which
 * no local copy from before is served.
 */
class RedisClusterNearCacheTest extends NearCacheTesting {

    /** Generous: a restarted node must rejoin the cluster. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedisExtension CLUSTER = RedisExtension.cluster();

    private final RedisCluster cluster = CLUSTER.redisCluster();

    RedisClusterNearCacheTest(TestInfo test) {
        super("near-cluster-" + test.getTestMethod().orElseThrow().getName(), () -> on(CLUSTER.redisCluster()),
                Duration.ofSeconds(1), WAIT);
    }

    @Override
    protected void ensureRunning() {
        cluster.ensureRunning();
    }

    /** One key on each master: {@code node address -> key}. */
    private Map<RedisServer, String> oneKeyPerMaster() {
        Map<RedisServer, String> keys = new LinkedHashMap<>();
        for (int i = 0; keys.size() < cluster.nodes().size(); i++) {
            keys.putIfAbsent(cluster.nodeForKey(redisKey("k" + i)), "k" + i);
        }
        return keys;
    }

    /** Reads every key until each is held locally with its expected value. */
    private void installAll(Map<String, String> expected) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            for (Map.Entry<String, String> entry : expected.entrySet()) {
                if (!entry.getValue().equals(read(entry.getKey()))) {
                    return false;
                }
            }
            return near.localSize() == expected.size();
        });
    }

    private Map<String, String> writeAll(List<String> keys, String value) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : keys) {
            other.set(key, value).join();
            values.put(key, value);
        }
        return values;
    }

    @Test
    void readsOfKeysOnEveryMasterAreLocalAndInvalidatedByOtherClients() {
        Map<RedisServer, String> keys = oneKeyPerMaster();
        List<String> names = new ArrayList<>(keys.values());
        installAll(writeAll(names, "v1"));

        long hits = events.count(CacheEvent.Kind.NEAR_HIT);
        for (int i = 0; i < 50; i++) {
            for (String key : names) {
                assertThat(read(key)).isEqualTo("v1");
            }
        }
        assertThat(events.count(CacheEvent.Kind.NEAR_HIT) - hits).isGreaterThanOrEqualTo(50L * names.size());

        for (Map.Entry<RedisServer, String> entry : keys.entrySet()) {
            String key = entry.getValue();
            entry.getKey().command("SET", redisKey(key), "by-cli"); // as redis-cli on that master would
            await().atMost(WAIT).until(() -> "by-cli".equals(read(key)));
            other.set(key, "by-other").join(); // another JVM
            await().atMost(WAIT).until(() -> "by-other".equals(read(key)));
        }
        assertThat(events.count(CacheEvent.Kind.NEAR_INVALIDATION)).isGreaterThanOrEqualTo(2L * names.size());
    }

    /**
     * {@code multiGet} of keys on every master installs each on its master's tracked connection
     * (made on the first read of a key there: until then, reads go to the cluster and install nothing).
     */
    @Test
    void multiGetOfKeysOnEveryMasterInstallsThemAndAChangeOnAnyMasterReachesIt() {
        Map<RedisServer, String> keys = oneKeyPerMaster();
        List<String> names = new ArrayList<>(keys.values());
        Map<String, String> written = writeAll(names, "v1");
        await().atMost(WAIT).until(() -> written.equals(cache.multiGet(names).join()) && near.localSize() == names.size());
        long hits = events.count(CacheEvent.Kind.NEAR_HIT);
        assertThat(cache.multiGet(names).join()).isEqualTo(written);
        assertThat(events.count(CacheEvent.Kind.NEAR_HIT) - hits).isEqualTo(names.size());

        for (Map.Entry<RedisServer, String> entry : keys.entrySet()) {
            String key = entry.getValue();
            entry.getKey().command("SET", redisKey(key), "by-cli"); // as redis-cli on that master would
            await().atMost(WAIT).until(() -> "by-cli".equals(cache.multiGet(names).join().get(key)));
        }
    }

    /**
     * A master is killed (its local copies, and every other, go) and restarted empty; once it is
     * back, every read is the cluster's value and tracking works on it again.
     */
    @Test
    void afterAMasterIsKilledAndRestartedNoStaleCopyIsRead() {
        Map<RedisServer, String> keys = oneKeyPerMaster();
        List<String> names = new ArrayList<>(keys.values());
        installAll(writeAll(names, "v1"));
        RedisServer victim = cluster.nodes().get(0);
        String victimKey = keys.get(victim);

        victim.kill();
        await().atMost(WAIT).until(() -> near.localSize() == 0);
        victim.restart();
        cluster.ensureRunning();

        Map<String, String> after = new LinkedHashMap<>();
        // the other client's connection to the restarted master may take a moment to come back
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            after.putAll(writeAll(names, "v2"));
            return true;
        });
        installAll(after);
        for (int i = 0; i < 100; i++) {
            for (String key : names) {
                assertThat(read(key)).isEqualTo("v2"); // 0 stale reads after recovery
            }
        }
        // tracking is on again on the restarted master
        victim.command("SET", redisKey(victimKey), "v3");
        await().atMost(WAIT).until(() -> "v3".equals(read(victimKey)));
        for (int i = 0; i < 100; i++) {
            assertThat(read(victimKey)).isEqualTo("v3");
        }
    }

    /**
     * The slot of a held key moves to another master (as a resharding does): reads are the new
     * master's values, and the near cache tracks the key there afterwards.
     */
    @Test
    void aKeyWhoseSlotMovesToAnotherMasterIsReadAndTrackedThere() {
        String key = "moving";
        String redisKey = redisKey(key);
        RedisServer from = cluster.nodeForKey(redisKey);
        RedisServer to = cluster.nodes().stream().filter(node -> node != from).findFirst().orElseThrow();
        String slot = String.valueOf(cluster.slotOf(redisKey));
        installAll(writeAll(List.of(key), "v1"));
        try {
            moveSlot(cluster, slot, from, to);
            to.command("SET", redisKey, "v2"); // on its new master, as redis-cli would
            await().atMost(WAIT).ignoreExceptions().until(() -> "v2".equals(read(key)));
            installAll(Map.of(key, "v2"));
            for (int i = 0; i < 100; i++) {
                assertThat(read(key)).isEqualTo("v2");
            }
            to.command("SET", redisKey, "v3");
            await().atMost(WAIT).until(() -> "v3".equals(read(key)));
            for (int i = 0; i < 100; i++) {
                assertThat(read(key)).isEqualTo("v3"); // 0 stale reads
            }
        } finally {
            moveSlot(cluster, slot, to, from); // as the kit assigned it: nodeForKey relies on it
        }
    }

    /**
     * Lettuce's event bus is shared by every Redis client of a manager: a slot moved in another
     * cluster (seen by that cluster's clients) empties that cluster's near cache, and no copy here.
     */
    @Test
    void aTopologyChangeOfAnotherClusterOfTheManagerDropsNoCopyHere() {
        installAll(writeAll(List.of("k"), "v1"));
        try (RedisCluster second = RedisCluster.start(2)) {
            ZodiacCache there = manager.setup("near-second", on(second).name("second").serializer("string")
                    .nearCache(NearCache.maximumSize(100)).build());
            NearCacheBackend thereNear = (NearCacheBackend) ((DefaultZodiacCache) there).backend();
            await().atMost(WAIT).until(thereNear::tracking);
            there.set("held", "h").join();
            await().atMost(WAIT).ignoreExceptions().until(() -> "h".equals(there.get("held").join()) && thereNear.localSize() == 1);

            String moving = there.namespace() + ":moving";
            RedisServer from = second.nodeForKey(moving);
            RedisServer to = second.nodes().stream().filter(node -> node != from).findFirst().orElseThrow();
            moveSlot(second, String.valueOf(second.slotOf(moving)), from, to);
            // a read of the moved key gets MOVED: the second cluster's clients reload its topology
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                there.get("moving").join();
                return thereNear.localSize() == 0;
            });
        }
        assertThat(near.localSize()).as("the copy of this cluster's key").isEqualTo(1);
        long hits = events.count(CacheEvent.Kind.NEAR_HIT);
        assertThat(read("k")).isEqualTo("v1");
        assertThat(events.count(CacheEvent.Kind.NEAR_HIT) - hits).isEqualTo(1);
    }

    /** Moves {@code slot} and its keys from one master to another, as {@code redis-cli --cluster reshard} does. */
    private static void moveSlot(RedisCluster cluster, String slot, RedisServer from, RedisServer to) {
        String fromId = from.command("CLUSTER", "MYID");
        String toId = to.command("CLUSTER", "MYID");
        to.command("CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
        from.command("CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
        String keys = from.command("CLUSTER", "GETKEYSINSLOT", slot, "1000");
        if (keys != null && !keys.isEmpty()) {
            for (String moving : keys.split("\n")) {
                from.command("MIGRATE", to.host(), String.valueOf(to.port()), moving, "0", "5000");
            }
        }
        // the new owner first, then the old one, then the others
        to.command("CLUSTER", "SETSLOT", slot, "NODE", toId);
        from.command("CLUSTER", "SETSLOT", slot, "NODE", toId);
        for (RedisServer node : cluster.nodes()) {
            if (node != from && node != to) {
                node.command("CLUSTER", "SETSLOT", slot, "NODE", toId);
            }
        }
        cluster.awaitClusterOk(WAIT);
    }
}
