package io.zodiac.cache.virtualthreads;

import io.zodiac.cache.CacheConfig;

/** {@link VirtualThreadStampede} in memory. */
class MemoryVirtualThreadTest extends VirtualThreadStampede {

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.builder();
    }
}
