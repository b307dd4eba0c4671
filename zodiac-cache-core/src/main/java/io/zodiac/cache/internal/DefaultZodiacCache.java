package io.zodiac.cache.internal;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.TypeRef;
import io.zodiac.cache.ValueTooLargeException;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.serializer.SerializationException;
import io.zodiac.cache.serializer.Serializer;
import io.zodiac.cache.spi.Backend;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link ZodiacCache} of every backend: checks arguments, resolves TTLs and hands every
 * backend call to its {@link BackendCalls} pipeline; {@code getOrSet} goes to the
 * {@link StampedeGuard}, which uses the same pipeline.
 */
public final class DefaultZodiacCache implements ZodiacCache {

    /** What {@link #hitNow} returns when it has no value to give. */
    public static final Object NOT_HERE = BackendCalls.MISS;

    private final String name;
    private final String namespace;
    private final BackendCalls calls;
    private final StampedeGuard guard;
    private final BlockingCache blocking;

    DefaultZodiacCache(String name, String namespace, CacheConfig config, Serializer serializer, Backend backend,
            Events events, long maxValueSize) {
        this.name = name;
        this.namespace = namespace;
        this.calls = new BackendCalls(name, config, serializer, backend, events, maxValueSize);
        this.guard = new StampedeGuard(calls);
        this.blocking = new DefaultBlockingCache(this);
    }

    // ---------------------------------------------------------------- reads

    @Override
    public CompletableFuture<Object> get(String key) {
        return typedGet(key, Object.class, null);
    }

    @Override
    public <T> CompletableFuture<T> get(String key, Class<T> type) {
        return typedGet(key, Objects.requireNonNull(type, "type"), null);
    }

    @Override
    public <T> CompletableFuture<T> get(String key, TypeRef<T> type) {
        return typedGet(key, Objects.requireNonNull(type, "type").type(), null);
    }

    @Override
    public CompletableFuture<Object> getOrDefault(String key, Object defaultValue) {
        return typedGet(key, Object.class, defaultValue);
    }

    /** The decoded value, {@code null} for a stored null, {@code ifAbsent} for an absent or undecodable one. */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> typedGet(String key, Type type, Object ifAbsent) {
        Object here = getHere(key, type, ifAbsent);
        return here != NOT_HERE ? CompletableFuture.completedFuture((T) here) : backendGet(key, type, ifAbsent);
    }

    /** The read through the backend's call, for a key {@link #getHere} did not answer. */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> backendGet(String key, Type type, Object ifAbsent) {
        return (CompletableFuture<T>) calls.observedRead(key, type).thenApply(value -> value == BackendCalls.MISS ? ifAbsent : value);
    }

    /**
     * A get answered in the calling thread when no I/O and no plugin is involved: the decoded value,
     * {@code null} for a stored null, {@code ifAbsent} for an absent or undecodable key of a local
     * backend, the copy a backend holds in this process (a near cache); {@link #NOT_HERE} when the
     * answer needs the backend's call (and, for the blocking view, a future to wait on).
     */
    Object getHere(String key, Type type, Object ifAbsent) {
        requireKey(key);
        if (calls.servesSilentHits()) {
            Object value = calls.readNow(key, type);
            return value == BackendCalls.MISS ? ifAbsent : value;
        }
        return calls.heldNow(key, type);
    }

    /**
     * A hit served in the calling thread, for the callers that can skip a future and the producer
     * when the value is there (the blocking view, {@code @Cached}): the value when no plugin listens
     * and the key is present in a local backend or in a copy the backend holds (a near cache);
     * {@link #NOT_HERE} otherwise.
     */
    public Object hitNow(String key, Type type) {
        Object value = calls.servesSilentHits() ? calls.readNow(requireKey(key), type) : calls.heldNow(requireKey(key), type);
        return value == BackendCalls.MISS ? NOT_HERE : value;
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        requireKey(key);
        return calls.observed(Operation.EXISTS, key, b -> b.exists(key));
    }

    @Override
    public CompletableFuture<Map<String, Object>> multiGet(Collection<String> keys) {
        List<String> list = List.copyOf(Objects.requireNonNull(keys, "keys"));
        return calls.observed(Operation.MULTI_GET, null, b -> b.multiGet(list)).thenCompose(found ->
                calls.decodesOffThread(found.values())
                        ? CompletableFuture.supplyAsync(() -> decodeAll(list, found), DecodePool.executor())
                        : CompletableFuture.completedFuture(decodeAll(list, found)));
    }

    /** The decoded values of the keys found, in the order asked; undecodable ones left out. */
    private Map<String, Object> decodeAll(List<String> keys, Map<String, Object> found) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String key : keys) {
            Object stored = found.get(key);
            if (stored != null) {
                Object value = calls.decode(key, stored, Object.class);
                if (value != BackendCalls.MISS) {
                    values.put(key, value);
                }
            }
        }
        return values;
    }

    @Override
    public CompletableFuture<Duration> ttl(String key) {
        requireKey(key);
        return calls.observed(Operation.TTL, key, b -> b.ttl(key));
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return calls.observed(Operation.KEYS, prefix, b -> b.keys(prefix, limit));
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletableFuture<Boolean> set(String key, Object value) {
        return set(key, value, null);
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
        return calls.write(Operation.SET, requireKey(key), value, ttl, Backend::set);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
        return calls.write(Operation.ADD, requireKey(key), value, ttl, Backend::add);
    }

    @Override
    public CompletableFuture<Boolean> multiSet(Map<String, ?> values, Duration ttl) {
        Objects.requireNonNull(values, "values");
        Duration effective = calls.resolveTtl(ttl);
        Map<String, Object> encoded = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, ?> entry : values.entrySet()) {
                String key = requireKey(entry.getKey());
                encoded.put(key, calls.encode(key, entry.getValue()));
            }
        } catch (SerializationException | ValueTooLargeException e) {
            return calls.failedBeforeBackend(Operation.MULTI_SET, null, e);
        }
        if (encoded.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        return calls.observed(Operation.MULTI_SET, null, b -> b.multiSet(encoded, effective));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        requireKey(key);
        return calls.observed(Operation.DELETE, key, b -> b.delete(key));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        requireKey(key);
        return calls.observed(Operation.INCREMENT, key, b -> b.increment(key, delta));
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        requireKey(key);
        Duration effective = ttl == null ? null : calls.expiry("ttl", ttl);
        return calls.observed(Operation.EXPIRE, key, b -> b.expire(key, effective));
    }

    @Override
    public CompletableFuture<Boolean> clear() {
        return calls.observed(Operation.CLEAR, null, Backend::clear);
    }

    // ---------------------------------------------------------------- getOrSet

    @Override
    public <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer) {
        return getOrSet(key, producer, GetOrSetOptions.defaults());
    }

    @Override
    public <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer,
            GetOrSetOptions<T> options) {
        return getOrSet(key, producer, producer, options);
    }

    /**
     * {@code getOrSet} with the producer a refresh-ahead runs on the refresh threads: the blocking
     * view hands its caller-run producer as {@code producer} and the plain one as {@code refresher}.
     */
    <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer,
            Supplier<? extends CompletionStage<T>> refresher, GetOrSetOptions<T> options) {
        requireKey(key);
        Objects.requireNonNull(producer, "producer");
        return guard.getOrSet(key, producer, refresher, checked(options));
    }

    @Override
    public <T> CompletableFuture<Map<String, T>> getOrSetAll(Collection<String> keys,
            Function<Set<String>, ? extends CompletionStage<Map<String, T>>> loader, GetOrSetOptions<T> options) {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(loader, "loader");
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(keys));
        distinct.forEach(this::requireKey);
        calls.requireOpen();
        GetOrSetOptions<T> effective = options == null ? GetOrSetOptions.defaults() : options;
        return guard.getOrSetAll(distinct, loader, checked(effective.refreshAfter(null))); // no refresh-ahead here
    }

    /**
     * The options of a {@code getOrSet}, checked against the backend's bounds; with
     * {@code refreshAfter}, the TTL resolved (the call's, else the cache's default), which the
     * refresh needs to tell an entry's age.
     */
    private <T> GetOrSetOptions<T> checked(GetOrSetOptions<T> options) {
        GetOrSetOptions<T> effective = options == null ? GetOrSetOptions.defaults() : options;
        if (effective.ttl() != null) {
            calls.checkLongest("ttl", effective.ttl());
        }
        if (effective.nullTtl() != null) {
            calls.checkLongest("nullTtl", effective.nullTtl());
        }
        calls.checkLongest("lease", effective.lease());
        Duration refreshAfter = effective.refreshAfter();
        if (refreshAfter == null) {
            return effective;
        }
        Duration ttl = calls.resolveTtl(effective.ttl());
        if (ttl == null) {
            throw new IllegalArgumentException("refreshAfter " + refreshAfter + " needs a TTL, but neither the call nor "
                    + "cache '" + name + "' (defaultTtl) sets one");
        }
        if (refreshAfter.compareTo(ttl) >= 0) {
            throw new IllegalArgumentException("refreshAfter " + refreshAfter + " must be shorter than the ttl " + ttl);
        }
        return effective.ttl(ttl);
    }

    /** The key, checked: not null, and the cache not closed. */
    private String requireKey(String key) {
        Objects.requireNonNull(key, "key must not be null");
        calls.requireOpen();
        return key;
    }

    // ---------------------------------------------------------------- accessors

    /** The backend this cache runs on: not user API, for the library's own modules and tests. */
    public Backend backend() {
        return calls.backend();
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CacheConfig config() {
        return calls.config();
    }

    @Override
    public OptionalLong estimatedSize() {
        return calls.backend().estimatedSize();
    }

    @Override
    public BlockingCache blocking() {
        return blocking;
    }

    @Override
    public CompletableFuture<Void> close() {
        return calls.close();
    }

    @Override
    public String toString() {
        return "ZodiacCache[" + name + " @ " + namespace + ", " + calls.config().backend() + "]";
    }
}
