package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;

/**
 * The cache contract on a Redis Cluster of 3 masters with a near cache in front: every row that holds there
 * holds with the local copy too (reads served locally stay correct). The server, its faults and
 * capabilities are those of {@link RedisClusterContractTest}.
 */
class RedisClusterNearCacheContractTest extends RedisClusterContractTest {

    @Override
    protected CacheConfig.Builder config() {
        return super.config().nearCache(RedisTesting.CONTRACT_NEAR_CACHE);
    }
}
