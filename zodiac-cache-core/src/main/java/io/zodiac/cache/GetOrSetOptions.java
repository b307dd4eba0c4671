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

    private static final GetOrSetOptions<?> DEFAULTS = new GetOrSetOptions<>(null, DEFAULT_LEASE, null, Object.class);

    private final Duration ttl;
    private final Duration lease;
    private final Predicate<? super T> skipCacheIf;
    private final Type type;

    private GetOrSetOptions(Duration ttl, Duration lease, Predicate<? super T> skipCacheIf, Type type) {
        this.ttl = ttl;
        this.lease = lease;
        this.skipCacheIf = skipCacheIf;
        this.type = type;
    }

    /** No TTL of its own (the cache's default applies), a 2 s lease, null is stored, untyped reads. */
    @SuppressWarnings("unchecked")
    public static <T> GetOrSetOptions<T> defaults() {
        return (GetOrSetOptions<T>) DEFAULTS;
    }

    /** The TTL of the stored value; {@code null} means the cache's default TTL. */
    public GetOrSetOptions<T> ttl(Duration ttl) {
        if (ttl != null && ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, type);
    }

    /**
     * How long the producer may hold the key's lock before another caller may run the producer
     * too; {@code null}, zero or negative means {@link #DEFAULT_LEASE}.
     */
    public GetOrSetOptions<T> lease(Duration lease) {
        Duration effective = lease == null || lease.isZero() || lease.isNegative() ? DEFAULT_LEASE : lease;
        return new GetOrSetOptions<>(ttl, effective, skipCacheIf, type);
    }

    /** Values for which the predicate is true are returned but not stored. */
    public GetOrSetOptions<T> skipCacheIf(Predicate<? super T> skipCacheIf) {
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, type);
    }

    /** Reads the stored value as this type (matters for serializers such as {@code json}). */
    public GetOrSetOptions<T> type(Class<T> type) {
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, Objects.requireNonNull(type, "type"));
    }

    /** Reads the stored value as this generic type. */
    public GetOrSetOptions<T> type(TypeRef<T> type) {
        return new GetOrSetOptions<>(ttl, lease, skipCacheIf, Objects.requireNonNull(type, "type").type());
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

    /** {@code true} when {@link #skipCacheIf} says a produced {@code value} is not to be stored. */
    public boolean skips(T value) {
        return skipCacheIf != null && skipCacheIf.test(value);
    }
}
