package io.zodiac.cache.contract;

import io.zodiac.cache.CacheConfig;

/** The cache contract on the in-memory backend (Caffeine). */
class MemoryContractTest extends CacheContract {

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.builder();
    }

    /** An in-process store: every capability of {@link BackendCapabilities#local()}. */
    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.local();
    }
}
