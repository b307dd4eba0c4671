package io.zodiac.cache.contract;

import io.zodiac.cache.CacheConfig;

/** The {@code @Cached} family on the in-memory backend. */
class MemoryCachedContractTest extends CachedContract {

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.builder();
    }

    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.local();
    }
}
