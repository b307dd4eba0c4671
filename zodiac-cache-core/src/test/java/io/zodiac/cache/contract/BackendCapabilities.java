package io.zodiac.cache.contract;

import java.time.Duration;

/**
 * What a backend can do, as far as the {@link CacheContract} needs to know. A row that a backend
 * cannot honour checks the documented alternative behaviour instead, decided here: a subclass of
 * the contract states each flag that differs from {@link #local()} or {@link #remote()} with a
 * comment saying why.
 *
 * @param listsKeys {@code keys()} lists the keys; otherwise it fails with {@link UnsupportedOperationException}
 * @param reportsTtl {@code ttl()} reports the remaining time; otherwise it fails with
 *     {@link UnsupportedOperationException} (expiry itself is always checked by observing it)
 * @param storesReferences the {@code reference} serializer is accepted; otherwise {@code setup} refuses it
 * @param sharesAcrossManagers two managers (two JVMs) on one prefix see one store; otherwise each
 *     manager's cache is its own
 * @param signedCounters {@code increment} goes below zero; otherwise counters stop at zero
 * @param ttlGranularity the resolution of expiry times (whole seconds on Memcached)
 */
public record BackendCapabilities(boolean listsKeys, boolean reportsTtl, boolean storesReferences,
        boolean sharesAcrossManagers, boolean signedCounters, Duration ttlGranularity) {

    /** An in-process store: lists keys, reports TTLs, stores references, private to its manager. */
    public static BackendCapabilities local() {
        return new BackendCapabilities(true, true, true, false, true, Duration.ofMillis(1));
    }

    /** A server shared by every manager: lists keys, reports TTLs, stores encoded values only. */
    public static BackendCapabilities remote() {
        return new BackendCapabilities(true, true, false, true, true, Duration.ofMillis(1));
    }

    /** These capabilities with {@code listsKeys} as given. */
    public BackendCapabilities listsKeys(boolean value) {
        return new BackendCapabilities(value, reportsTtl, storesReferences, sharesAcrossManagers, signedCounters,
                ttlGranularity);
    }

    /** These capabilities with {@code reportsTtl} as given. */
    public BackendCapabilities reportsTtl(boolean value) {
        return new BackendCapabilities(listsKeys, value, storesReferences, sharesAcrossManagers, signedCounters,
                ttlGranularity);
    }

    /** These capabilities with {@code signedCounters} as given. */
    public BackendCapabilities signedCounters(boolean value) {
        return new BackendCapabilities(listsKeys, reportsTtl, storesReferences, sharesAcrossManagers, value,
                ttlGranularity);
    }

    /** These capabilities with {@code ttlGranularity} as given. */
    public BackendCapabilities ttlGranularity(Duration value) {
        return new BackendCapabilities(listsKeys, reportsTtl, storesReferences, sharesAcrossManagers, signedCounters,
                value);
    }

    /**
     * A TTL short enough to wait for and long enough that a value is still there when read right
     * after it was set: half a second, or two ticks of a coarser clock.
     */
    public Duration shortTtl() {
        Duration twoTicks = ttlGranularity.multipliedBy(2);
        return twoTicks.compareTo(Duration.ofMillis(500)) > 0 ? twoTicks : Duration.ofMillis(500);
    }

    /** The shortest lease the backend honours to the tick: 300 ms, or one tick of a coarser clock. */
    public Duration shortLease() {
        return ttlGranularity.compareTo(Duration.ofMillis(300)) > 0 ? ttlGranularity : Duration.ofMillis(300);
    }
}
