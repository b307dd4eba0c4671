package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.contract.BackendCapabilities;
import io.zodiac.cache.contract.ServerCacheContract;
import io.zodiac.cache.contract.ServerFaults;
import io.zodiac.cache.testkit.RedisCluster;
import io.zodiac.cache.testkit.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cache contract on a Redis Cluster of 3 masters: keys of one cache spread over every node. */
class RedisClusterContractTest extends ServerCacheContract {

    @RegisterExtension
    static final RedisExtension CLUSTER = RedisExtension.cluster();

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.builder().backend("redis").option("cluster", CLUSTER.redisCluster().seeds());
    }

    /** A server shared by every manager: every capability of {@link BackendCapabilities#remote()}. */
    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.remote();
    }

    /** "The server" is the whole cluster: every node is killed or paused at once, and brought back together. */
    @Override
    protected ServerFaults faults() {
        RedisCluster cluster = CLUSTER.redisCluster();
        return ServerFaults.of(cluster.nodes(), cluster::ensureRunning);
    }
}
