package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.contract.BackendCapabilities;
import io.zodiac.cache.contract.ServerCacheContract;
import io.zodiac.cache.contract.ServerFaults;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisSentinel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cache contract on a master found through Redis Sentinel, with a near cache in front. */
class RedisSentinelNearCacheContractTest extends ServerCacheContract {

    @RegisterExtension
    static final RedisExtension SENTINEL = RedisExtension.sentinel();

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.fromUri(SENTINEL.redisSentinel().uri())
                .nearCache(NearCache.maximumSize(1_000).ttl(Duration.ofMinutes(5)));
    }

    /** A server shared by every manager: every capability of {@link BackendCapabilities#remote()}. */
    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.remote();
    }

    /** The whole setup killed or paused at once, as in {@link RedisSentinelContractTest}. */
    @Override
    protected ServerFaults faults() {
        RedisSentinel setup = SENTINEL.redisSentinel();
        return ServerFaults.of(List.of(setup.master(), setup.replica(), setup.sentinel()), setup::ensureRunning);
    }
}
