package io.zodiac.cache.memcached;

import java.time.Duration;
import java.time.Instant;

/**
 * TTLs as memcached expiry times. Memcached counts whole seconds and reads any expiry over 30
 * days as an absolute unix time; folsom sends TTLs of 30 days and more as {@code now + ttl}
 * (this machine's clock), so the backend always passes relative seconds.
 */
final class Expiry {

    /** Memcached's "never expires". */
    static final int NEVER = 0;

    /**
     * The last unix time a memcached expiry can name (2038-01-19T03:14:06Z): expiry times are
     * 32-bit, and folsom cuts later ones to this.
     */
    private static final long LAST = Integer.MAX_VALUE - 1;

    private Expiry() {
    }

    /**
     * {@code ttl} in whole seconds, rounded up (a sub-second TTL lives 1 s), capped at
     * {@link Integer#MAX_VALUE}; {@link #NEVER} for {@code null}.
     */
    static int seconds(Duration ttl) {
        if (ttl == null) {
            return NEVER;
        }
        long seconds = ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0);
        return (int) Math.min(Math.max(seconds, 1), Integer.MAX_VALUE);
    }

    /**
     * The longest TTL memcached keeps as given from now on: up to {@link #LAST}, less the second a
     * lock lease adds ({@link #leaseSeconds}).
     */
    static Duration longest() {
        return Duration.ofSeconds(LAST - Instant.now().getEpochSecond() - 1);
    }

    /**
     * The expiry of a lock held for {@code lease}: rounded up to whole seconds, plus one.
     * Memcached's clock ticks once a second, so an item given {@code n} seconds lives between
     * {@code n - 1} and {@code n}: the extra second makes the lock outlive its lease, so no other
     * process takes it while the holder may still be producing.
     */
    static int leaseSeconds(Duration lease) {
        return (int) Math.min((long) seconds(lease) + 1, Integer.MAX_VALUE);
    }

    /**
     * The unix time at which an entry written now with {@code ttl} expires, as kept in its item
     * flags for {@link #remaining}; {@link #NEVER} for {@code null}.
     */
    static int deadline(Duration ttl) {
        if (ttl == null) {
            return NEVER;
        }
        return (int) Math.min(Instant.now().getEpochSecond() + seconds(ttl), LAST);
    }

    /** The time left until the unix time {@code deadline}, {@code null} for {@link #NEVER}; never negative. */
    static Duration remaining(int deadline) {
        if (deadline == NEVER) {
            return null;
        }
        Duration left = Duration.between(Instant.now(), Instant.ofEpochSecond(Integer.toUnsignedLong(deadline)));
        return left.isNegative() ? Duration.ZERO : left;
    }
}
