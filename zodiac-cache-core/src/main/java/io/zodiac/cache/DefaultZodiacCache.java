package io.zodiac.cache;

import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.serializer.SerializationException;
import io.zodiac.cache.serializer.Serializer;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ZodiacCache} of every backend: encodes and decodes values, resolves TTLs, bounds
 * each backend call by the operation timeout, feeds the circuit breaker and the plugins, and
 * leaves {@code getOrSet} to {@link StampedeGuard}.
 */
final class DefaultZodiacCache implements ZodiacCache {

    /** What {@link #read} yields for an absent key (a stored null yields {@code null}). */
    static final Object MISS = new Object() {
        @Override
        public String toString() {
            return "MISS";
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(DefaultZodiacCache.class);

    private final String name;
    private final String namespace;
    private final CacheConfig config;
    private final Serializer serializer;
    private final Backend backend;
    private final Events events;
    private final CircuitBreaker breaker;
    private final boolean local;
    private final long timeoutNanos;
    /** By operation: the backend bounds it by the operation timeout itself, so the cache adds no timer. */
    private final boolean[] timesOut;
    private final StampedeGuard guard;
    private final BlockingCache blocking;
    /** Set by {@link #close()}: every later operation fails with {@link IllegalStateException}. */
    private volatile boolean closed;

    DefaultZodiacCache(String name, String namespace, CacheConfig config, Serializer serializer, Backend backend,
            Events events) {
        this.name = name;
        this.namespace = namespace;
        this.config = config;
        this.serializer = serializer;
        this.backend = backend;
        this.events = events;
        this.breaker = new CircuitBreaker(name, config.circuitBreakerFailures(), config.circuitBreakerOpenDuration(), events);
        this.local = backend.local();
        this.timeoutNanos = config.operationTimeout().toNanos();
        this.timesOut = new boolean[Operation.values().length];
        for (Operation operation : Operation.values()) {
            timesOut[operation.ordinal()] = backend.timesOut(operation);
        }
        this.guard = new StampedeGuard(this);
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
        requireKey(key);
        if (local && events.none()) {
            Object stored = backend.getNow(key);
            return CompletableFuture.completedFuture((T) (stored == null ? ifAbsent : decodeOrMiss(key, stored, type, ifAbsent)));
        }
        CompletableFuture<Object> read = events.none() ? read(key, type) : read(Operation.GET, key, type);
        return (CompletableFuture<T>) read.thenApply(value -> value == MISS ? ifAbsent : value);
    }

    /** Reads and decodes one key, reported to plugins as {@code GET}. */
    private CompletableFuture<Object> read(Operation operation, String key, Type type) {
        long start = System.nanoTime();
        events.pre(operation, key);
        return reportedFirst(read(key, type), (value, error) -> events.post(operation, key, value == MISS ? null : value,
                error == null && value != MISS, start, error));
    }

    /**
     * Reads and decodes one key without telling the plugins (the reads inside {@code getOrSet},
     * which report the whole call instead): the value, {@code null} for a stored null,
     * {@link #MISS} for an absent or undecodable one.
     */
    CompletableFuture<Object> read(String key, Type type) {
        return call(Operation.GET, key, b -> b.get(key), value -> value == null ? MISS : decodeOrMiss(key, value, type, MISS));
    }

    private Object decodeOrMiss(String key, Object stored, Type type, Object miss) {
        try {
            return serializer.decode(stored, type);
        } catch (SerializationException | ClassCastException e) {
            LOG.warn("Cache '{}': value under key '{}' cannot be decoded, read as a miss: {}", name, key, e.getMessage());
            events.event(CacheEvent.Kind.DECODE_FAILURE, key, e);
            return miss;
        }
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        requireKey(key);
        return observed(Operation.EXISTS, key, b -> b.exists(key));
    }

    @Override
    public CompletableFuture<Map<String, Object>> multiGet(Collection<String> keys) {
        List<String> list = List.copyOf(Objects.requireNonNull(keys, "keys"));
        return observed(Operation.MULTI_GET, null, b -> b.multiGet(list)).thenApply(found -> {
            Map<String, Object> values = new LinkedHashMap<>();
            for (String key : list) {
                Object stored = found.get(key);
                if (stored != null) {
                    Object value = decodeOrMiss(key, stored, Object.class, MISS);
                    if (value != MISS) {
                        values.put(key, value);
                    }
                }
            }
            return values;
        });
    }

    @Override
    public CompletableFuture<Duration> ttl(String key) {
        requireKey(key);
        return observed(Operation.TTL, key, b -> b.ttl(key));
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return observed(Operation.KEYS, prefix, b -> b.keys(prefix, limit));
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletableFuture<Boolean> set(String key, Object value) {
        return set(key, value, null);
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
        return write(Operation.SET, key, value, ttl, Backend::set);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
        return write(Operation.ADD, key, value, ttl, Backend::add);
    }

    /** How {@link #set} and {@link #add} hand an encoded value to the backend. */
    @FunctionalInterface
    private interface Write {
        CompletableFuture<Boolean> apply(Backend backend, String key, Object encoded, Duration ttl);
    }

    /** Encodes the value (a failure stores nothing) and writes it with the resolved TTL. */
    private CompletableFuture<Boolean> write(Operation operation, String key, Object value, Duration ttl, Write write) {
        requireKey(key);
        Duration effective = ttl(ttl);
        Object encoded;
        try {
            encoded = serializer.encode(value);
        } catch (RuntimeException e) {
            return failedBeforeBackend(operation, key, e);
        }
        return observed(operation, key, b -> write.apply(b, key, encoded, effective));
    }

    @Override
    public CompletableFuture<Boolean> multiSet(Map<String, ?> values, Duration ttl) {
        Objects.requireNonNull(values, "values");
        Duration effective = ttl(ttl);
        Map<String, Object> encoded = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, ?> entry : values.entrySet()) {
                encoded.put(requireKey(entry.getKey()), serializer.encode(entry.getValue()));
            }
        } catch (SerializationException e) {
            return failedBeforeBackend(Operation.MULTI_SET, null, e);
        }
        if (encoded.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        return observed(Operation.MULTI_SET, null, b -> b.multiSet(encoded, effective));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        requireKey(key);
        return observed(Operation.DELETE, key, b -> b.delete(key));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        requireKey(key);
        return observed(Operation.INCREMENT, key, b -> b.increment(key, delta));
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        requireKey(key);
        if (ttl != null && ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative, got " + ttl);
        }
        Duration effective = ttl == null || ttl.isZero() ? null : ttl;
        return observed(Operation.EXPIRE, key, b -> b.expire(key, effective));
    }

    @Override
    public CompletableFuture<Boolean> clear() {
        return observed(Operation.CLEAR, null, Backend::clear);
    }

    // ---------------------------------------------------------------- getOrSet

    @Override
    public <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer) {
        return getOrSet(key, producer, GetOrSetOptions.defaults());
    }

    @Override
    public <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer,
            GetOrSetOptions<T> options) {
        requireKey(key);
        Objects.requireNonNull(producer, "producer");
        return guard.getOrSet(key, producer, options == null ? GetOrSetOptions.defaults() : options);
    }

    // ---------------------------------------------------------------- plumbing for StampedeGuard

    /**
     * A hit in memory with nobody listening, served without a flight, a future or a producer:
     * the value, or {@link #MISS} when the key is absent, the backend is remote or plugins listen
     * (they must see the whole {@code getOrSet}).
     */
    Object quickHit(String key, Type type) {
        return local && events.none() ? readLocal(key, type) : MISS;
    }

    /** The value read without plugins or breaker, for the local fast path; {@link #MISS} when absent. */
    Object readLocal(String key, Type type) {
        Object stored = backend.getNow(requireKey(key));
        return stored == null ? MISS : decodeOrMiss(key, stored, type, MISS);
    }

    /** Stores a produced value (a null included) with the call's TTL. */
    CompletableFuture<Boolean> store(String key, Object value, Duration ttl) {
        return set(key, value, ttl);
    }

    /** Runs a backend call with the timeout, the breaker and plugins, as {@code operation}. */
    <R> CompletableFuture<R> observed(Operation operation, String key, Function<Backend, CompletableFuture<R>> action) {
        if (events.none()) {
            return call(operation, key, action);
        }
        long start = System.nanoTime();
        events.pre(operation, key);
        return reportedFirst(call(operation, key, action), (value, error) -> events.post(operation, key, value, false, start, error));
    }

    /**
     * What {@code source} completes with, completed once {@code report} has told the plugins: a
     * caller that sees the result finds the operation in every plugin's figures.
     */
    private static <R> CompletableFuture<R> reportedFirst(CompletableFuture<R> source, BiConsumer<? super R, ? super Throwable> report) {
        CompletableFuture<R> outcome = new CompletableFuture<>();
        source.whenComplete((value, error) -> {
            try {
                report.accept(value, error);
            } finally {
                complete(outcome, value, error);
            }
        });
        return outcome;
    }

    /** Completes {@code future} with the value, or with the error's cause (never a {@code CompletionException}). */
    static <R> void complete(CompletableFuture<R> future, R value, Throwable error) {
        if (error == null) {
            future.complete(value);
        } else {
            future.completeExceptionally(unwrap(error));
        }
    }

    /** Runs a backend call bounded by the timeout and guarded by the circuit breaker. */
    private <R> CompletableFuture<R> call(Operation operation, String key, Function<Backend, CompletableFuture<R>> action) {
        return local ? invoke(action) : call(operation, key, action, Function.identity());
    }

    /**
     * Runs a backend call bounded by the timeout and guarded by the circuit breaker, and maps its
     * value with {@code then} in the same stage (a failure of {@code then} fails the call, and is
     * not the backend's).
     */
    private <R, V> CompletableFuture<V> call(Operation operation, String key, Function<Backend, CompletableFuture<R>> action,
            Function<? super R, ? extends V> then) {
        if (local) {
            return invoke(action).thenApply(then);
        }
        if (!breaker.allowRequest()) {
            return CompletableFuture.failedFuture(breaker.openError());
        }
        CompletableFuture<R> pending = invoke(action);
        if (!timesOut[operation.ordinal()]) {
            pending = pending.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
        }
        CompletableFuture<V> result = new CompletableFuture<>();
        pending.whenComplete((value, error) -> {
            if (error == null) {
                breaker.onSuccess();
                try {
                    result.complete(then.apply(value));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof TimeoutException || backend.isTimeout(cause)) {
                cause = new CacheTimeoutException("Cache '" + name + "': " + operation + (key == null ? "" : " of key '" + key + "'")
                        + " timed out after " + config.operationTimeout().toMillis() + " ms");
            }
            if (countsAsBackendFailure(cause)) {
                breaker.onFailure(cause);
            }
            result.completeExceptionally(cause);
        });
        return result;
    }

    private <R> CompletableFuture<R> invoke(Function<Backend, CompletableFuture<R>> action) {
        if (closed) {
            return CompletableFuture.failedFuture(closedError());
        }
        try {
            CompletableFuture<R> future = action.apply(backend);
            return future != null ? future : CompletableFuture.failedFuture(new NullPointerException("backend returned no future"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static boolean countsAsBackendFailure(Throwable error) {
        return !(error instanceof IllegalArgumentException || error instanceof UnsupportedOperationException
                || error instanceof SerializationException || error instanceof IllegalStateException);
    }

    private <R> CompletableFuture<R> failedBeforeBackend(Operation operation, String key, RuntimeException error) {
        if (!events.none()) {
            long start = System.nanoTime();
            events.pre(operation, key);
            events.post(operation, key, null, false, start, error);
        }
        return CompletableFuture.failedFuture(error);
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private Duration ttl(Duration ttl) {
        if (ttl == null) {
            return config.defaultTtl();
        }
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative, got " + ttl);
        }
        return ttl.isZero() ? null : ttl;
    }

    /** The key, checked: not null, and the cache not closed. */
    private String requireKey(String key) {
        Objects.requireNonNull(key, "key must not be null");
        if (closed) {
            throw closedError();
        }
        return key;
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("Cache '" + name + "' is closed: it was shut down; get it again from the "
                + "CacheManager after setting it up again");
    }

    Events events() {
        return events;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    boolean isLocal() {
        return local;
    }

    // ---------------------------------------------------------------- accessors

    @Override
    public Backend backend() {
        return backend;
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
        return config;
    }

    @Override
    public BlockingCache blocking() {
        return blocking;
    }

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        try {
            return backend.close();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String toString() {
        return "ZodiacCache[" + name + " @ " + namespace + ", " + config.backend() + "]";
    }
}
