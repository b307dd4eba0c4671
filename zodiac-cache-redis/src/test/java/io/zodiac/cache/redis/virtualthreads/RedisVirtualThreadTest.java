package io.zodiac.cache.redis.virtualthreads;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.virtualthreads.VirtualThreadStampede;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link VirtualThreadStampede} on a standalone Redis node started by the testkit. */
class RedisVirtualThreadTest extends VirtualThreadStampede {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.fromUri(REDIS.uri());
    }
}
