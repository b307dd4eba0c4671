package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.contract.BackendCapabilities;
import io.zodiac.cache.contract.ServerCacheContract;
import io.zodiac.cache.contract.ServerFaults;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisSentinel;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cache contract on a master found through Redis Sentinel ({@code redis-sentinel://} URI). */
class RedisSentinelContractTest extends ServerCacheContract {

    @RegisterExtension
    static final RedisExtension SENTINEL = RedisExtension.sentinel();

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.fromUri(SENTINEL.redisSentinel().uri());
    }

    /** A server shared by every manager: every capability of {@link BackendCapabilities#remote()}. */
    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.remote();
    }

    /**
     * "The server" is the whole setup (master, replica and sentinel) killed or paused at once: the
     * rows check fail-open and reconnection through the sentinel, not a failover (the testkit's
     * RedisSentinelFailoverTest covers that).
     */
    @Override
    protected ServerFaults faults() {
        RedisSentinel setup = SENTINEL.redisSentinel();
        return ServerFaults.of(List.of(setup.master(), setup.replica(), setup.sentinel()), setup::ensureRunning);
    }
}
