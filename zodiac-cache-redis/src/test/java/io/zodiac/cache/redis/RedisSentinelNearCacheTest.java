package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisSentinel;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The near cache on a master found through Redis Sentinel: local reads, invalidation by other
 * clients, and a failover, after which no local copy read from the old master is served.
 */
class RedisSentinelNearCacheTest extends NearCacheTesting {

    /** Generous: a failover takes the sentinel's down-after time plus an election. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedisExtension SENTINEL = RedisExtension.sentinel();

    private final RedisSentinel setup = SENTINEL.redisSentinel();

    RedisSentinelNearCacheTest(TestInfo test) {
        super("near-sentinel-" + test.getTestMethod().orElseThrow().getName(),
                () -> CacheConfig.fromUri(SENTINEL.redisSentinel().uri()), Duration.ofMillis(500), WAIT);
    }

    @Override
    protected void ensureRunning() {
        setup.ensureRunning();
    }

    /** Reads {@code key} until the value is held locally. */
    private void install(String key, String expected) {
        await().atMost(WAIT).until(() -> expected.equals(read(key)) && near.localSize() > 0);
    }

    @Test
    void readsAreLocalAndAChangeByAnotherClientRemovesTheLocalCopy() {
        cache.set("k", "v1").join();
        install("k", "v1");
        long hits = events.count(CacheEvent.Kind.NEAR_HIT);
        for (int i = 0; i < 50; i++) {
            assertThat(read("k")).isEqualTo("v1");
        }
        assertThat(events.count(CacheEvent.Kind.NEAR_HIT) - hits).isGreaterThanOrEqualTo(50);

        setup.currentMaster().command("SET", redisKey("k"), "v2"); // as redis-cli would
        await().atMost(WAIT).until(() -> "v2".equals(read("k")));
        assertThat(events.count(CacheEvent.Kind.NEAR_INVALIDATION)).isPositive();

        other.set("k", "v3").join(); // another JVM
        await().atMost(WAIT).until(() -> "v3".equals(read("k")));
    }

    /**
     * The master dies and the sentinel promotes the replica: the local copies of the old master go,
     * the near cache tracks on the new master, and its reads are the new master's values.
     */
    @Test
    void afterAFailoverTheLocalCopyIsDroppedAndReadsAreCorrect() {
        RedisServer oldMaster = setup.currentMaster();
        cache.set("k", "v1").join();
        cache.set("gone", "x").join();
        install("k", "v1");
        install("gone", "x");

        oldMaster.kill();
        await().atMost(WAIT).until(() -> !setup.masterAddress().equals(oldMaster.address()));
        RedisServer newMaster = setup.currentMaster();
        // writes on the new master that the old one never told this near cache about
        newMaster.command("SET", redisKey("k"), "v2");
        newMaster.command("DEL", redisKey("gone"));
        await().atMost(WAIT).until(near::tracking);
        await().atMost(WAIT).ignoreExceptions().until(() -> "v2".equals(read("k")));
        assertThat(read("gone")).isNull();
        install("k", "v2");
        for (int i = 0; i < 100; i++) {
            assertThat(read("k")).isEqualTo("v2"); // 0 stale reads after the failover
        }
        // tracking is on with the new master: a change by another client still reaches the local copy
        other.set("k", "v3").join();
        await().atMost(WAIT).until(() -> "v3".equals(read("k")));
        for (int i = 0; i < 100; i++) {
            assertThat(read("k")).isEqualTo("v3");
        }
    }
}
