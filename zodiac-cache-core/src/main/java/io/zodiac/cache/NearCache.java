package io.zodiac.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * A near cache: a bounded local copy, in the application's memory, of the values a remote cache
 * read, kept correct by the server. Reads are served from the local copy when present; any change
 * of the key on the server (by this JVM, another one, {@code redis-cli}, expiry, eviction,
 * {@code FLUSHDB}) removes the local copy, through Redis {@code CLIENT TRACKING}.
 *
 * <pre>{@code
 * CacheConfig.fromUri("redis://127.0.0.1:6379/0").name("users")
 *         .nearCache(NearCache.maximumSize(10_000).ttl(Duration.ofMinutes(5)))
 *         .build();                    // URI/map options: near_cache_size, near_cache_ttl
 * }</pre>
 *
 * <p>Immutable and compared by value. Only backends whose server tells clients about changes take
 * one (Redis); the others refuse it at setup.
 */
public final class NearCache {

    private final long maximumSize;
    private final Duration ttl;

    private NearCache(long maximumSize, Duration ttl) {
        this.maximumSize = maximumSize;
        this.ttl = ttl;
    }

    /**
     * A near cache of at most {@code maximumSize} entries (the least valuable are evicted), kept
     * until the server invalidates them (no local expiry unless {@link #ttl(Duration)} sets one).
     *
     * @throws IllegalArgumentException when {@code maximumSize} is not positive
     */
    public static NearCache maximumSize(long maximumSize) {
        if (maximumSize < 1) {
            throw new IllegalArgumentException("near cache maximumSize (near_cache_size) must be positive, got "
                    + maximumSize);
        }
        return new NearCache(maximumSize, null);
    }

    /**
     * The same near cache whose local copies are also dropped {@code ttl} after they were read
     * from the server (they are dropped earlier when the server's entry expires or changes);
     * {@code null} for none.
     *
     * @throws IllegalArgumentException when {@code ttl} is zero or negative
     */
    public NearCache ttl(Duration ttl) {
        if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
            throw new IllegalArgumentException("near cache ttl (near_cache_ttl) must be positive, got " + ttl);
        }
        return new NearCache(maximumSize, ttl);
    }

    /** The largest number of local entries. */
    public long maximumSize() {
        return maximumSize;
    }

    /** How long a local copy may be kept after it was read, or {@code null} for no local bound. */
    public Duration ttl() {
        return ttl;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NearCache other && maximumSize == other.maximumSize && Objects.equals(ttl, other.ttl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maximumSize, ttl);
    }

    @Override
    public String toString() {
        return "NearCache{maximumSize=" + maximumSize + (ttl == null ? "" : ", ttl=" + ttl) + "}";
    }
}
