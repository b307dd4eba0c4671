package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.contract.BackendCapabilities;
import io.zodiac.cache.contract.ServerCacheContract;
import io.zodiac.cache.contract.ServerFaults;
import io.zodiac.cache.testkit.RedisCluster;
import io.zodiac.cache.testkit.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cache contract on a Redis Cluster of 3 masters with a near cache in front. */
class RedisClusterNearCacheContractTest extends ServerCacheContract {

    @RegisterExtension
    static final RedisExtension CLUSTER = RedisExtension.cluster();

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.builder().backend("redis").option("cluster", CLUSTER.redisCluster().seeds())
                .nearCache(NearCache.maximumSize(1_000).ttl(Duration.ofMinutes(5)));
    }

    /** A server shared by every manager: every capability of {@link BackendCapabilities#remote()}. */
    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.remote();
    }

    /** "The server" is the whole cluster, as in {@link RedisClusterContractTest}. */
    @Override
    protected ServerFaults faults() {
        RedisCluster cluster = CLUSTER.redisCluster();
        return ServerFaults.of(cluster.nodes(), cluster::ensureRunning);
    }
}
