package io.zodiac.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.contract.BackendCapabilities;
import io.zodiac.cache.contract.ServerCacheContract;
import io.zodiac.cache.contract.ServerFaults;
import io.zodiac.cache.testkit.MemcachedExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cache contract on a memcached server. */
class MemcachedContractTest extends ServerCacheContract {

    @RegisterExtension
    static final MemcachedExtension MEMCACHED = MemcachedExtension.create();

    @Override
    protected CacheConfig.Builder config() {
        return CacheConfig.fromUri("memcached://" + MEMCACHED.address());
    }

    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.remote()
                /** Memcached has no key listing: keys() fails with UnsupportedOperationException. */
                .listsKeys(false)
                /** The text protocol cannot read an item's expiry: ttl() fails with UnsupportedOperationException. */
                .reportsTtl(false)
                /** Memcached counters are unsigned 64-bit: a decrement stops at zero. */
                .signedCounters(false)
                /** Memcached's clock ticks by the second: expiry times are whole seconds. */
                .ttlGranularity(Duration.ofSeconds(1));
    }

    @Override
    protected ServerFaults faults() {
        return ServerFaults.of(MEMCACHED.server());
    }

    @Test
    void ttlsPast2038AreRefusedNotCut() {
        // memcached's expiry times are 32-bit unix times; folsom would quietly cut a later one to 2038
        assertThatThrownBy(() -> blocking.set("k", "v", Duration.ofDays(365L * 20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend 'memcached'")
                .hasMessageContaining("at most");
        assertThat(blocking.set("k", "v", Duration.ofDays(365L * 10))).isTrue();
    }
}
