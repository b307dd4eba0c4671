package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;

/**
 * The cache contract on a master found through Redis Sentinel with a near cache in front: every row that holds there
 * holds with the local copy too (reads served locally stay correct). The server, its faults and
 * capabilities are those of {@link RedisSentinelContractTest}.
 */
class RedisSentinelNearCacheContractTest extends RedisSentinelContractTest {

    @Override
    protected CacheConfig.Builder config() {
        return super.config().nearCache(RedisTesting.CONTRACT_NEAR_CACHE);
    }
}
