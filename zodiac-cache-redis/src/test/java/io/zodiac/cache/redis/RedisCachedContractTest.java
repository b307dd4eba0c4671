package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.contract.BackendCapabilities;
import io.zodiac.cache.contract.CachedContract;
import io.zodiac.cache.testkit.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code @Cached} family on a standalone Redis node, with its default (JSON) serializer:
 * invalidations and updates made through one manager are seen by another.
 */
class RedisCachedContractTest extends CachedContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    @Override
    protected CacheConfig.Builder config() {
        return RedisTesting.on(REDIS.server());
    }

    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.remote();
    }
}
