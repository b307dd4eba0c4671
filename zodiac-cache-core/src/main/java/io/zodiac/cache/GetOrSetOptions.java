package io.zodiac.cache;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Options of one {@link ZodiacCache#getOrSet(String, java.util.function.Supplier, GetOrSetOptions)}
 * call. Immutable: every method returns a new instance.
 *
 * <pre>{@code
 * GetOrSetOptions.<User>defaults().ttl(Duration.ofMinutes(5)).lease(Duration.ofSeconds(10)).type(User.class)
 * }</pre>
 *
 * @param <T> the value type
 */
public final class GetOrSetOptions<T> {

    /** The lease used when none, or a non-positive one, is given. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(2);

    private static final GetOrSetOptions<?> DEFAULTS = new GetOrSetOptions<>(null, DEFAULT_LEASE, null, Object.class, null, null);

    private final Duration ttl;
    private final Duration lease;
    private final Predicate<? super T> skipCacheIf;
    private final Type type;
    private final Duration refreshAfter;
    private final Duration nullTtl;

    private GetOrSetOptions(Duration ttl, Duration lease, Predicate<? super T> skipCacheIf, Type type, Duration refreshAfter,
            Duration nullTtl) {
        this.ttl = ttl;
        this.lease = lease;
        this.skipCacheIf = skipCacheIf;
        this.type = type;
        this.refreshAfter = refreshAfter;
        this.nullTtl = nullTtl;
    }

    /** No TTL of its own (the cache's default applies), a 2 s lease, null is stored, untyped reads, no refresh. */
    @SuppressWarnings("unchecked")
    public static <T> GetOrSetOptions<T> defaults() {
        return (GetOrSetOptions<T>) DEFAULTS;
    }

    /** The TTL of the stored value; {@code null} means the cache's default TTL. */
    public GetOrSetOptions<T> ttl(Duration ttl) {
        if (ttl != null && ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, type, refreshAfter, nullTtl);
    }

    /**
     * How long the producer may hold the key's lock before another caller may run the producer
     * too; {@code null}, zero or negative means {@link #DEFAULT_LEASE}.
     */
    public GetOrSetOptions<T> lease(Duration lease) {
        Duration effective = lease == null || lease.isZero() || lease.isNegative() ? DEFAULT_LEASE : lease;
        return new GetOrSetOptions<>(ttl, effective, skipCacheIf, type, refreshAfter, nullTtl);
    }

    /** Values for which the predicate is true are returned but not stored. */
    public GetOrSetOptions<T> skipCacheIf(Predicate<? super T> skipCacheIf) {
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, type, refreshAfter, nullTtl);
    }

    /** Reads the stored value as this type (matters for serializers such as {@code json}). */
    public GetOrSetOptions<T> type(Class<T> type) {
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, Objects.requireNonNull(type, "type"), refreshAfter, nullTtl);
    }

    /** Reads the stored value as this generic type. */
    public GetOrSetOptions<T> type(TypeRef<T> type) {
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, Objects.requireNonNull(type, "type").type(), refreshAfter, nullTtl);
    }

    /**
     * Refresh-ahead: a hit on an entry stored longer ago than this returns the stored value at once
     * and starts one background refresh of the key (one across every JVM sharing the backend:
     * whoever takes the key's lock refreshes, the others do not); the new value is stored with a
     * fresh TTL. A refresh that fails keeps the old value until its TTL and is reported to plugins.
     * Must be shorter than the TTL; {@code null} (the default) never refreshes.
     */
    public GetOrSetOptions<T> refreshAfter(Duration refreshAfter) {
        if (refreshAfter != null && (refreshAfter.isZero() || refreshAfter.isNegative())) {
            throw new IllegalArgumentException("refreshAfter must be positive, got " + refreshAfter);
        }
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, type, refreshAfter, nullTtl);
    }

    /**
     * The TTL of a stored {@code null} (negative caching), usually shorter than the TTL of values;
     * {@code null} (the default) stores nulls with the value TTL. Only matters when nulls are
     * stored (see {@link #skipCacheIf}).
     */
    public GetOrSetOptions<T> nullTtl(Duration nullTtl) {
        if (nullTtl != null && (nullTtl.isZero() || nullTtl.isNegative())) {
            throw new IllegalArgumentException("nullTtl must be positive, got " + nullTtl);
        }
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, type, refreshAfter, nullTtl);
    }

    /** The call's TTL, or {@code null} for the cache's default. */
    public Duration ttl() {
        return ttl;
    }

    /** The lease, never {@code null}. */
    public Duration lease() {
        return lease;
    }

    /** The skip predicate, or {@code null} when every value (null included) is stored. */
    public Predicate<? super T> skipCacheIf() {
        return skipCacheIf;
    }

    /** The type stored values are read as; {@code Object.class} when untyped. */
    public Type type() {
        return type;
    }

    /** The refresh-ahead age, or {@code null} for none. */
    public Duration refreshAfter() {
        return refreshAfter;
    }

    /** The TTL of stored nulls, or {@code null} for the value TTL. */
    public Duration nullTtl() {
        return nullTtl;
    }

    /** {@code true} when {@link #skipCacheIf} says a produced {@code value} is not to be stored. */
    public boolean skips(T value) {
        return skipCacheIf != null && skipCacheIf.test(value);
    }
}
