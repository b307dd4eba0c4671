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

    /**
     * No server: the two server-fault rows do not apply and are reported as skipped. Fail-open on a
     * failing or hanging backend is covered in memory by {@code FailurePolicyTest}, with a backend
     * that fails on command.
     */
    @Override
    protected ServerFaults faults() {
        return null;
    }
}
