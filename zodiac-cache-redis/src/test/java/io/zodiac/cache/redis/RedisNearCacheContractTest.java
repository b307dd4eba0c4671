package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.contract.BackendCapabilities;
import io.zodiac.cache.contract.ServerCacheContract;
import io.zodiac.cache.contract.ServerFaults;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache contract on a standalone Redis node with a near cache in front: every row that holds
 * on Redis holds with the local copy too (reads served locally stay correct).
 */
class RedisNearCacheContractTest extends ServerCacheContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    @Override
    protected CacheConfig.Builder config() {
        RedisServer server = REDIS.server();
        return CacheConfig.builder().backend("redis").option("endpoint", server.host()).option("port", server.port())
                .nearCache(NearCache.maximumSize(1_000).ttl(Duration.ofMinutes(5)));
    }

    /** A server shared by every manager: every capability of {@link BackendCapabilities#remote()}. */
    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.remote();
    }

    @Override
    protected ServerFaults faults() {
        return ServerFaults.of(REDIS.server());
    }
}
