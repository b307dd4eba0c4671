package io.zodiac.cache.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendEvents;
import io.zodiac.cache.spi.StoredValue;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A {@link NearCache} in front of a Redis backend: a bounded local copy (Caffeine) of the values
 * read, kept correct by the server through {@link Tracking} (standalone, Sentinel) or
 * {@link ClusterTracking} (a cluster: each key is read on the connection to its master).
 *
 * <ul>
 *   <li>{@code get} (and {@code getWithTtl}, {@code multiGet}, {@code exists}) is answered from the
 *       local copy when there is one; otherwise the value is read ({@code GET} and {@code PTTL},
 *       pipelined) on the tracked connection and installed. A local copy lives until the server invalidates it, the
 *       server's TTL runs out, or the near cache's own TTL, whichever comes first.</li>
 *   <li>Writes go to the backend; once they are done the local copy of their keys is dropped (not
 *       updated: in default tracking mode the server tracks a key only after this connection read
 *       it, so a copy installed from a write would get no invalidation).</li>
 *   <li>While tracking is not on (the tracked connection not made yet, down, or reconnected and
 *       not tracking yet), every call goes straight to the backend and the local copy is empty.</li>
 * </ul>
 *
 * <p><b>The read race.</b> A read in flight while its key is invalidated must not install the
 * value it read before the change. Before the read, the key gets a fresh token in
 * {@link #pending}; an invalidation (or a write, or a reset) removes the key's token; the value is
 * installed only if the read's token is still there, atomically with that check (inside the
 * pending map's per-key lock, which the invalidation takes too before it drops the local copy).
 * A reset also bumps {@link #generation}, so that no read begun before it installs anything.
 */
final class NearCacheBackend implements Backend, Tracking.Listener {

    /**
     * A local copy: the encoded value and, when the server's entry has a TTL, when it expires
     * ({@link System#nanoTime}). A copy of an entry without a TTL is served without reading the clock.
     */
    private record Local(Object value, long expiresAt, boolean expires) {
        boolean live() {
            return !expires || expiresAt - System.nanoTime() > 0;
        }

        StoredValue stored() {
            return new StoredValue(value, expires ? Duration.ofNanos(Math.max(1, expiresAt - System.nanoTime())) : null);
        }
    }

    /** At most this many writes are timed at once (see {@link #timedWrites}). */
    private static final int MAX_TIMED_WRITES = 1024;

    private final Backend delegate;
    private final Namespace namespace;
    private final BackendEvents events;
    private final Cache<String, Local> local;
    private final ConcurrentMap<String, Object> pending = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    /**
     * Writes through this cache to a key it held, by key: when each started ({@link System#nanoTime}).
     * The server tracks a held key, so the write's invalidation comes back on the tracking
     * connection like anyone's: the time to it is the invalidation lag, reported with the event.
     */
    private final ConcurrentMap<String, Long> timedWrites = new ConcurrentHashMap<>();
    private final TrackedReads tracking;

    NearCacheBackend(Backend delegate, NearCache settings, Namespace namespace, RedisEndpoint.Attachment attachment,
            String cacheName, BackendEvents events) {
        this.delegate = delegate;
        this.namespace = namespace;
        this.events = events;
        // no variable expiry: Caffeine would then read the clock and reorder its timer wheel on every hit;
        // the server's TTL is checked by the copy itself, the near cache's own TTL is Caffeine's expireAfterWrite
        Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(settings.maximumSize());
        if (settings.ttl() != null) {
            builder = builder.expireAfterWrite(settings.ttl());
        }
        this.local = builder.build();
        this.tracking = attachment.cluster()
                ? new ClusterTracking(attachment, cacheName, this)
                : new Tracking(attachment, cacheName, this);
    }

    // ---------------------------------------------------------------- tracking

    @Override
    public void invalidated(String redisKey) {
        if (!namespace.owns(redisKey)) {
            return;
        }
        String key = namespace.strip(redisKey);
        forget(key);
        Long writeStarted = timedWrites.remove(key);
        if (writeStarted == null) {
            events.accept(CacheEvent.Kind.NEAR_INVALIDATION, key);
        } else {
            events.accept(CacheEvent.Kind.NEAR_INVALIDATION, key, Duration.ofNanos(System.nanoTime() - writeStarted));
        }
    }

    @Override
    public void reset() {
        generation.incrementAndGet();
        pending.clear();
        timedWrites.clear();
        local.invalidateAll();
        events.accept(CacheEvent.Kind.NEAR_INVALIDATION, null);
    }

    /** Drops the local copy of {@code key} and stops any read in flight from installing one. */
    private void forget(String key) {
        pending.remove(key); // waits for an install of the key that is under way: it is then dropped below
        local.invalidate(key);
    }

    // ---------------------------------------------------------------- reads

    /** The live local copy of {@code key}, or {@code null}; a copy whose server TTL ran out is dropped on the way. */
    private Local hit(String key) {
        Local copy = local.getIfPresent(key);
        if (copy == null || copy.live()) {
            return copy;
        }
        local.asMap().remove(key, copy);
        return null;
    }

    /** Reads {@code key} on the tracked connection and installs it unless it was invalidated meanwhile. */
    private CompletableFuture<StoredValue> load(String key, RedisAsyncCommands<String, byte[]> redis) {
        Object token = new Object();
        long readGeneration = generation.get();
        pending.put(key, token);
        String redisKey = namespace.key(key);
        long sent = System.nanoTime();
        CompletableFuture<byte[]> value = redis.get(redisKey).toCompletableFuture();
        CompletableFuture<Long> ttl = redis.pttl(redisKey).toCompletableFuture();
        return value.thenCombine(ttl, (bytes, millis) -> {
            if (bytes == null) {
                pending.remove(key, token);
                return (StoredValue) null;
            }
            // measured from when the read was sent: the copy never outlives the server's entry
            Local copy = new Local(bytes, sent + Duration.ofMillis(Math.max(0, millis)).toNanos(), millis >= 0);
            pending.computeIfPresent(key, (k, current) -> {
                if (current == token && generation.get() == readGeneration) {
                    local.put(k, copy);
                }
                return current == token ? null : current;
            });
            return copy.stored();
        }).whenComplete((stored, error) -> {
            if (error != null) {
                pending.remove(key, token);
            }
        }).exceptionallyCompose(error -> tracking.retriesOnBackend()
                // a cluster: a MOVED reply before Lettuce refreshed its topology, say; nothing installed
                ? delegate.getWithTtl(key)
                : CompletableFuture.failedFuture(error));
    }

    /** The local copy, without I/O, while tracking is on (as {@link #exists} serves it). */
    @Override
    public Object getHeldNow(String key) {
        if (!tracking.on()) {
            return null;
        }
        Local copy = hit(key);
        return copy == null ? null : copy.value;
    }

    @Override
    public CompletableFuture<Object> get(String key) {
        RedisAsyncCommands<String, byte[]> redis = tracking.commandsFor(namespace.key(key));
        if (redis == null) {
            return delegate.get(key);
        }
        Local copy = hit(key);
        if (copy != null) {
            events.accept(CacheEvent.Kind.NEAR_HIT, key);
            return CompletableFuture.completedFuture(copy.value);
        }
        events.accept(CacheEvent.Kind.NEAR_MISS, key);
        return load(key, redis).thenApply(stored -> stored == null ? null : stored.value());
    }

    @Override
    public CompletableFuture<StoredValue> getWithTtl(String key) {
        RedisAsyncCommands<String, byte[]> redis = tracking.commandsFor(namespace.key(key));
        if (redis == null) {
            return delegate.getWithTtl(key);
        }
        Local copy = hit(key);
        if (copy != null) {
            events.accept(CacheEvent.Kind.NEAR_HIT, key);
            return CompletableFuture.completedFuture(copy.stored());
        }
        events.accept(CacheEvent.Kind.NEAR_MISS, key);
        return load(key, redis);
    }

    /**
     * Local copies for the keys that have one; each other key is read on the tracked connection
     * ({@code GET} and {@code PTTL}, all pipelined) and installed, as {@link #get} does.
     */
    @Override
    public CompletableFuture<Map<String, Object>> multiGet(List<String> keys) {
        if (!tracking.on()) {
            return delegate.multiGet(keys);
        }
        Map<String, Object> held = new LinkedHashMap<>();
        Map<String, CompletableFuture<StoredValue>> reads = new LinkedHashMap<>();
        for (String key : keys) {
            if (held.containsKey(key) || reads.containsKey(key)) {
                continue;
            }
            Local copy = hit(key);
            if (copy != null) {
                events.accept(CacheEvent.Kind.NEAR_HIT, key);
                held.put(key, copy.value);
                continue;
            }
            events.accept(CacheEvent.Kind.NEAR_MISS, key);
            RedisAsyncCommands<String, byte[]> redis = tracking.commandsFor(namespace.key(key));
            reads.put(key, redis == null ? delegate.getWithTtl(key) : load(key, redis)); // tracking just went off: not installed
        }
        if (reads.isEmpty()) {
            return CompletableFuture.completedFuture(held);
        }
        return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Map<String, Object> found = new LinkedHashMap<>();
            for (String key : keys) {
                CompletableFuture<StoredValue> read = reads.get(key);
                StoredValue stored = read == null ? null : read.join();
                Object value = read == null ? held.get(key) : stored == null ? null : stored.value();
                if (value != null) {
                    found.put(key, value);
                }
            }
            return found;
        });
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        if (tracking.on() && hit(key) != null) {
            return CompletableFuture.completedFuture(true);
        }
        return delegate.exists(key);
    }

    @Override
    public CompletableFuture<Duration> ttl(String key) {
        return delegate.ttl(key);
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        return delegate.keys(prefix, limit);
    }

    // ---------------------------------------------------------------- writes: to Redis, then the local copy goes

    /**
     * Runs the write, then drops the local copy of {@code key} before the caller sees the outcome.
     * The write of a key held here is timed until its invalidation arrives; one that changed
     * nothing (failed, or answered {@code false}) brings none and is forgotten.
     */
    private <R> CompletableFuture<R> write(String key, Supplier<CompletableFuture<R>> write) {
        return write(List.of(key), write);
    }

    /** {@link #write(String, Supplier)} of a write to several keys ({@code MSET}): each held key is timed. */
    private <R> CompletableFuture<R> write(Collection<String> keys, Supplier<CompletableFuture<R>> write) {
        long started = System.nanoTime();
        for (String key : keys) {
            if (local.getIfPresent(key) != null && timedWrites.size() < MAX_TIMED_WRITES) {
                timedWrites.put(key, started);
            }
            forget(key);
        }
        return write.get().whenComplete((result, error) -> {
            boolean changedNothing = error != null || Boolean.FALSE.equals(result);
            for (String key : keys) {
                forget(key);
                if (changedNothing) {
                    timedWrites.remove(key);
                }
            }
        });
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
        return write(key, () -> delegate.set(key, value, ttl));
    }

    @Override
    public CompletableFuture<Boolean> multiSet(Map<String, Object> values, Duration ttl) {
        return write(values.keySet(), () -> delegate.multiSet(values, ttl));
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
        return write(key, () -> delegate.add(key, value, ttl));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return write(key, () -> delegate.delete(key));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        return write(key, () -> delegate.increment(key, delta));
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        return write(key, () -> delegate.expire(key, ttl));
    }

    @Override
    public CompletableFuture<Boolean> clear() {
        reset();
        return delegate.clear().whenComplete((result, error) -> reset());
    }

    // ---------------------------------------------------------------- locks and the rest: the backend's

    /**
     * Takes the key's lock; once taken, the local copy of the key is dropped, so that what the holder
     * reads next is the server's value. The previous holder's write came before its release, which
     * came before this lock; its invalidation may still be on its way, and a copy from before it
     * would have the holder (a refresh, a {@code getOrSet}) produce the value again.
     */
    @Override
    public CompletableFuture<Boolean> tryLock(String key, String token, Duration lease) {
        return delegate.tryLock(key, token, lease).whenComplete((taken, error) -> {
            if (Boolean.TRUE.equals(taken)) {
                forget(key);
            }
        });
    }

    @Override
    public CompletableFuture<Boolean> unlock(String key, String token) {
        return delegate.unlock(key, token);
    }

    @Override
    public CompletableFuture<Void> releaseSignal(String key) {
        return delegate.releaseSignal(key);
    }

    @Override
    public OptionalLong estimatedSize() {
        return delegate.estimatedSize();
    }

    @Override
    public boolean timesOut(Operation operation) {
        return delegate.timesOut(operation);
    }

    @Override
    public boolean isTimeout(Throwable error) {
        return delegate.isTimeout(error);
    }

    @Override
    public Duration maxTtl() {
        return delegate.maxTtl();
    }

    /** The number of local copies (for tests). */
    long localSize() {
        local.cleanUp();
        return local.estimatedSize();
    }

    /** {@code true} while tracking is on and the local copy is used (for tests). */
    boolean tracking() {
        return tracking.on();
    }

    @Override
    public CompletableFuture<Void> close() {
        reset();
        return tracking.close().handle((ignored, error) -> null).thenCompose(ignored -> delegate.close());
    }

    @Override
    public String toString() {
        return "NearCache[" + delegate + "]";
    }
}
