package io.zodiac.cache.spi;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheTimeoutException;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.Operation;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The storage SPI behind a {@link ZodiacCache}: raw operations on encoded values.
 *
 * <p>A backend instance serves exactly one cache and is bound to that cache's namespace
 * ({@link BackendContext#namespace()}). Its methods take the cache's own keys; a backend that
 * shares its storage with other caches (Redis, Memcached) stores key {@code k} as
 * {@code {namespace}:k}, and the lock of {@code k} where no key of any cache can be: the Redis and
 * Memcached backends use {@code zodiac_lock:{escaped prefix}:k}, so a user key such as
 * {@code x-lock} is an ordinary key and never the lock of {@code x}. A backend whose storage
 * belongs to the cache alone (the in-memory one) may skip building those strings.
 *
 * <p>Values are whatever the cache's {@link io.zodiac.cache.serializer.Serializer} produced:
 * {@code byte[]} for every serializer but {@code reference}, which only backends that
 * {@linkplain BackendProvider#acceptsReferences() accept references} receive.
 *
 * <p>Every method is non-blocking and reports failures through the returned future, never by
 * throwing. TTLs are {@code null} for "no expiry" and otherwise positive and at most
 * {@link #maxTtl()}; so are lock leases: the cache refuses longer ones before calling.
 *
 * <p>Implementations are found by name through {@link BackendProvider} and
 * {@link java.util.ServiceLoader}.
 */
public interface Backend {

    /** Returned by {@link #ttl(String)} for a key that never expires. */
    Duration NO_EXPIRY = ChronoUnit.FOREVER.getDuration();

    /**
     * The longest TTL a cache accepts unless its backend says otherwise (about 146 years): every
     * deadline then fits in {@link System#nanoTime()} arithmetic.
     */
    Duration LONGEST_TTL = Duration.ofNanos(Long.MAX_VALUE / 2);

    /** The stored value, or {@code null} when the key is absent or expired. */
    CompletableFuture<Object> get(String key);

    /** The stored values of the keys that are present; absent keys are left out. */
    CompletableFuture<Map<String, Object>> multiGet(List<String> keys);

    /** Stores the value, replacing any previous one and its TTL. */
    CompletableFuture<Boolean> set(String key, Object value, Duration ttl);

    /** Stores every value with the same TTL. */
    CompletableFuture<Boolean> multiSet(Map<String, Object> values, Duration ttl);

    /** Stores the value only if the key is absent; {@code true} when it was stored. */
    CompletableFuture<Boolean> add(String key, Object value, Duration ttl);

    /** Removes the key; {@code true} when it was present. */
    CompletableFuture<Boolean> delete(String key);

    /** {@code true} when the key is present. */
    CompletableFuture<Boolean> exists(String key);

    /**
     * Adds {@code delta} to the integer stored under the key, starting from 0 when it is absent,
     * atomically; keeps the key's TTL. Fails when the stored value is not an integer.
     */
    CompletableFuture<Long> increment(String key, long delta);

    /** Sets the key's TTL; {@code false} when the key is absent. */
    CompletableFuture<Boolean> expire(String key, Duration ttl);

    /**
     * The key's remaining time to live: {@code null} when the key is absent,
     * {@link #NO_EXPIRY} when it never expires.
     */
    CompletableFuture<Duration> ttl(String key);

    /**
     * Up to {@code limit} keys of this cache (without the namespace) that start with
     * {@code prefix}. Backends that cannot list keys fail with
     * {@link UnsupportedOperationException}.
     */
    default CompletableFuture<List<String>> keys(String prefix, int limit) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException(getClass().getSimpleName() + " cannot list keys"));
    }

    /** Removes every key of this cache's namespace, and nothing else. */
    CompletableFuture<Boolean> clear();

    /**
     * Takes the lock of {@code key} for {@code lease} if nobody holds it;
     * {@code true} when {@code token} now holds it.
     */
    CompletableFuture<Boolean> tryLock(String key, String token, Duration lease);

    /**
     * Releases the lock of {@code key} if, and only if, {@code token} holds it (never another
     * holder's lock), and signals the release to every waiter; {@code true} when released.
     */
    CompletableFuture<Boolean> unlock(String key, String token);

    /**
     * A future that completes the next time the lock of {@code key} is released, by any holder
     * (in any process, for a shared backend). Call it <em>before</em> {@link #tryLock} so no
     * release is missed. Callers bound their wait by the lease and cancel the future when they
     * no longer need it. A backend that cannot observe releases returns a future that never
     * completes, or one that it completes by polling.
     */
    CompletableFuture<Void> releaseSignal(String key);

    /**
     * The number of entries this backend holds, approximately, when it can tell without a scan
     * (the in-memory backend: Caffeine's estimate, expired entries not yet swept included); empty
     * by default, as on servers, which do not count the keys of one namespace.
     */
    default OptionalLong estimatedSize() {
        return OptionalLong.empty();
    }

    /**
     * {@code true} when operations complete in the calling thread without I/O (the in-memory
     * backend). The cache then reads before joining a flight and runs producers inline.
     */
    default boolean local() {
        return false;
    }

    /**
     * {@code true} when this backend fails {@code operation} by itself once the cache's
     * {@link CacheConfig#operationTimeout() operation timeout} has passed (a client's command
     * timeout set to it, say), with an error that {@link #isTimeout} recognises. The cache then
     * starts no timer of its own for that operation; it bounds every other one. Asked once per
     * operation when the cache is created. {@code false} by default.
     */
    default boolean timesOut(Operation operation) {
        return false;
    }

    /**
     * {@code true} when {@code error} is this backend's own timeout; the cache reports it as a
     * {@link CacheTimeoutException}. {@code false} by default.
     */
    default boolean isTimeout(Throwable error) {
        return false;
    }

    /**
     * The longest TTL (and lock lease) this backend keeps as given. The cache refuses a longer one
     * with an {@link IllegalArgumentException} naming this bound, before any call, so an
     * out-of-range argument never reaches the backend nor counts as its failure.
     * {@link #LONGEST_TTL} by default.
     */
    default Duration maxTtl() {
        return LONGEST_TTL;
    }

    /**
     * The stored value of {@code key} when this backend holds a copy of it in this process that it
     * keeps correct (a near cache of a remote backend), read in the calling thread without I/O;
     * {@code null} when it holds none, which says nothing about the key. The cache serves such a hit
     * without a future or the circuit breaker when no plugin listens, and goes on to {@link #get}
     * otherwise. {@code null} by default.
     */
    default Object getHeldNow(String key) {
        return null;
    }

    /**
     * The stored value of {@code key}, or {@code null}, read in the calling thread: what
     * {@code get(key).join()} gives. The cache calls it on {@link #local()} backends only, to
     * serve their hits without a future; a local backend reads directly. The default joins
     * {@link #get}.
     */
    default Object getNow(String key) {
        return get(key).join();
    }

    /**
     * The stored value with its remaining time to live, read together (one round trip), or
     * {@code null} when the key is absent or expired. Refresh-ahead
     * ({@link io.zodiac.cache.GetOrSetOptions#refreshAfter}) tells an entry's age from it. The
     * default reads {@link #get} and reports the remaining TTL as unknown ({@code null}): on such a
     * backend entries never look old, so they are never refreshed ahead.
     */
    default CompletableFuture<StoredValue> getWithTtl(String key) {
        return get(key).thenApply(value -> value == null ? null : new StoredValue(value, null));
    }

    /**
     * {@link #getWithTtl} read in the calling thread, as {@link #getNow} is: called on
     * {@link #local()} backends only. The default joins {@link #getWithTtl}.
     */
    default StoredValue getWithTtlNow(String key) {
        return getWithTtl(key).join();
    }

    /** Releases the backend's connections and threads. */
    CompletableFuture<Void> close();
}
