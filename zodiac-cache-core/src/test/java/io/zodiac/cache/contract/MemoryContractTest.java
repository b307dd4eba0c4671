package io.zodiac.cache.contract;

import io.zodiac.cache.CacheConfig;

/**
 * The cache contract on the in-memory backend (Caffeine). It has no server, so it runs the plain
 * {@link CacheContract} without the server-fault rows; fail-open on a failing or hanging backend
 * is covered in memory by {@code FailurePolicyTest}.
 */
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
