package io.zodiac.cache.plugin;

import java.time.Duration;

/**
 * Something that happened to a cache outside the operations themselves, given to
 * {@link CachePlugin#onEvent(CacheEvent)}.
 *
 * @param cache the cache's name
 * @param kind what happened
 * @param key the key concerned, or {@code null}
 * @param error the failure behind it, or {@code null}
 * @param elapsed how long it took, when the kind says so ({@link Kind#NEAR_INVALIDATION}), else {@code null}
 */
public record CacheEvent(String cache, Kind kind, String key, Throwable error, Duration elapsed) {

    /** An event without a duration. */
    public CacheEvent(String cache, Kind kind, String key, Throwable error) {
        this(cache, kind, key, error, null);
    }

    /** The kinds of events. */
    public enum Kind {
        /** A stored value could not be decoded and was read as a miss. */
        DECODE_FAILURE,
        /** {@code getOrSet} ran the producer without the cache because the backend failed. */
        FAIL_OPEN,
        /** A waiter stopped waiting because the producer's lease expired. */
        LEASE_EXPIRED,
        /** The backend evicted an entry to respect the maximum size. */
        EVICTION,
        /**
         * A value was not stored: its encoded form is over the cache's {@code max_value_size}
         * (the error is a {@link io.zodiac.cache.ValueTooLargeException}). A {@code getOrSet}
         * returns it unstored, and its producer runs again on the next call.
         */
        VALUE_TOO_LARGE,
        /** A refresh-ahead ({@code refreshAfter}) stored a new value before the old one expired. */
        REFRESHED,
        /** A refresh-ahead failed (the producer or the backend): the old value stays until its TTL. */
        REFRESH_FAILED,
        /** The circuit breaker opened: the backend is not called for a while. */
        CIRCUIT_OPENED,
        /** The circuit breaker lets one probe call through. */
        CIRCUIT_HALF_OPEN,
        /** A probe succeeded: the backend is used again. */
        CIRCUIT_CLOSED,
        /** A read was served from the {@linkplain io.zodiac.cache.NearCache near cache}, without a round trip. */
        NEAR_HIT,
        /** A read found no local copy in the near cache and went to the server. */
        NEAR_MISS,
        /**
         * The server invalidated a local copy of the near cache (the key changed); {@code key} is
         * {@code null} when every local copy was dropped at once ({@code FLUSHDB}, the tracking
         * connection lost or re-established). When the change was a write through this cache to a
         * key it held, {@code elapsed} is the invalidation lag: the time from the write's start to
         * the drop of the local copy, the way any other client's change takes (the server's
         * message on the tracking connection); {@code null} for changes by others, whose start
         * this process cannot see.
         */
        NEAR_INVALIDATION
    }
}
