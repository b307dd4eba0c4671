package io.zodiac.cache.internal;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.spi.KeyText;
import io.zodiac.cache.CacheTimeoutException;
import io.zodiac.cache.ValueTooLargeException;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.serializer.SerializationException;
import io.zodiac.cache.serializer.Serializer;
import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.StoredValue;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a cache reaches its backend: every call is bounded by the operation timeout (unless
 * the backend bounds it itself), guarded by the circuit breaker, reported to the plugins, and its
 * value decoded; results complete after the plugins have seen them, with the error's cause, never
 * a {@link CompletionException}. {@link DefaultZodiacCache} and {@link StampedeGuard} both go
 * through it. A local backend (in memory) skips the timer and the breaker, and can be read in the
 * calling thread ({@link #readNow}). Values too large or too slow to decode on a backend's I/O
 * thread ({@link Serializer#inlineDecodeLimit()}) are decoded on the {@link DecodePool}; values
 * over the cache's {@code max_value_size} are refused before the backend.
 */
final class BackendCalls implements StampedeGuard.Store {

    /** What {@link #read} and {@link #readNow} yield for an absent key (a stored null yields {@code null}). */
    static final Object MISS = new Object() {
        @Override
        public String toString() {
            return "MISS";
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(BackendCalls.class);

    private final String name;
    private final CacheConfig config;
    private final Serializer serializer;
    private final Backend backend;
    private final Events events;
    private final CircuitBreaker breaker;
    private final boolean local;
    private final long timeoutNanos;
    /** Encoded values longer than this are refused before the backend. */
    private final long maxValueSize;
    /** Stored values longer than this are decoded on the {@link DecodePool}, not in the I/O thread. */
    private final int inlineDecodeLimit;
    /** By operation: the backend bounds it by the operation timeout itself, so no timer is added. */
    private final boolean[] timesOut;
    /** Set by {@link #close()}: every later call fails with {@link IllegalStateException}. */
    private volatile boolean closed;

    BackendCalls(String name, CacheConfig config, Serializer serializer, Backend backend, Events events, long maxValueSize) {
        this.name = name;
        this.config = config;
        this.serializer = serializer;
        this.backend = backend;
        this.events = events;
        this.breaker = new CircuitBreaker(name, config.circuitBreaker(), config.operationTimeout(), events);
        this.local = backend.local();
        this.timeoutNanos = config.operationTimeout().toNanos();
        this.maxValueSize = maxValueSize;
        this.inlineDecodeLimit = serializer.inlineDecodeLimit();
        this.timesOut = new boolean[Operation.values().length];
        for (Operation operation : Operation.values()) {
            timesOut[operation.ordinal()] = backend.timesOut(operation);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Events events() {
        return events;
    }

    @Override
    public boolean local() {
        return local;
    }

    Backend backend() {
        return backend;
    }

    @Override
    public Duration operationTimeout() {
        return config.operationTimeout();
    }

    CacheConfig config() {
        return config;
    }

    /**
     * {@code true} when a hit may be served by {@link #readNow} with nothing else to do: the backend
     * is local and no plugin listens (a plugin must see every operation).
     */
    boolean servesSilentHits() {
        return local && events.none();
    }

    // ---------------------------------------------------------------- reads

    /**
     * The local fast path: reads a {@linkplain Backend#local() local} backend in the calling thread,
     * without a future, the breaker or the plugins. The value, {@code null} for a stored null,
     * {@link #MISS} for an absent or undecodable one.
     */
    @Override
    public Object readNow(String key, Type type) {
        Object stored = backend.getNow(key);
        return stored == null ? MISS : decode(key, stored, type);
    }

    /**
     * A hit from a copy the backend holds in this process (a near cache), served in the calling
     * thread like {@link #readNow} when no plugin listens (a plugin must see every operation): the
     * value, {@code null} for a stored null, {@link #MISS} when the backend holds no copy, the cache
     * is closed, or a plugin listens.
     */
    Object heldNow(String key, Type type) {
        if (closed || !events.none()) {
            return MISS;
        }
        Object stored = backend.getHeldNow(key);
        return stored == null ? MISS : decode(key, stored, type);
    }

    /**
     * Reads and decodes one key without telling the plugins (the reads inside {@code getOrSet},
     * which report the whole call instead): the value, {@code null} for a stored null,
     * {@link #MISS} for an absent or undecodable one.
     */
    @Override
    public CompletableFuture<Object> read(String key, Type type) {
        return call(Operation.GET, key, b -> b.get(key), value -> value == null ? MISS : decode(key, value, type));
    }

    /**
     * {@link #readNow} with the remaining TTL: {@code null} for an absent or undecodable value, else
     * the decoded value (a stored null included) and its remaining TTL.
     */
    @Override
    public StoredValue readNowWithTtl(String key, Type type) {
        return decoded(key, backend.getWithTtlNow(key), type);
    }

    /** {@link #read} with the remaining TTL, as {@link #readNowWithTtl} gives them; not reported. */
    @Override
    public CompletableFuture<StoredValue> readWithTtl(String key, Type type) {
        return call(Operation.GET, key, b -> b.getWithTtl(key), stored -> decoded(key, stored, type));
    }

    private StoredValue decoded(String key, StoredValue stored, Type type) {
        if (stored == null) {
            return null;
        }
        Object value = stored.value() == null ? null : decode(key, stored.value(), type);
        return value == MISS ? null : new StoredValue(value, stored.remaining());
    }

    /**
     * The decoded values of the keys that are present, reported as {@code MULTI_GET}; a stored null
     * maps to {@code null}, absent and undecodable keys are left out.
     */
    @Override
    public CompletableFuture<Map<String, Object>> readAll(List<String> keys, Type type) {
        return observed(Operation.MULTI_GET, null, b -> b.multiGet(keys)).thenApply(found -> {
            Map<String, Object> values = new LinkedHashMap<>();
            for (String key : keys) {
                if (found.containsKey(key)) {
                    Object stored = found.get(key);
                    Object value = stored == null ? null : decode(key, stored, type);
                    if (value != MISS) {
                        values.put(key, value);
                    }
                }
            }
            return values;
        });
    }

    /** {@link #read}, reported to the plugins as {@code GET}. */
    CompletableFuture<Object> observedRead(String key, Type type) {
        if (events.none()) {
            return read(key, type);
        }
        long start = System.nanoTime();
        events.pre(Operation.GET, key);
        return reportedFirst(read(key, type), (value, error) -> events.post(Operation.GET, key, value == MISS ? null : value,
                error == null && value != MISS, start, error));
    }

    /** The decoded value, or {@link #MISS} when it cannot be decoded (reported to the plugins, never thrown). */
    Object decode(String key, Object stored, Type type) {
        try {
            return serializer.decode(stored, type);
        } catch (SerializationException | ClassCastException e) {
            LOG.warn("Cache '{}': value under key '{}' cannot be decoded, read as a miss: {}", name, KeyText.of(key), e.getMessage());
            events.event(CacheEvent.Kind.DECODE_FAILURE, key, e);
            return MISS;
        }
    }

    // ---------------------------------------------------------------- writes

    /** How a write hands an encoded value to the backend ({@link Backend#set}, {@link Backend#add}). */
    @FunctionalInterface
    interface Write {
        CompletableFuture<Boolean> apply(Backend backend, String key, Object encoded, Duration ttl);
    }

    /** Encodes the value (a failure stores nothing) and writes it with the resolved TTL, observed as {@code operation}. */
    CompletableFuture<Boolean> write(Operation operation, String key, Object value, Duration ttl, Write write) {
        Duration effective = resolveTtl(ttl);
        Object encoded;
        try {
            encoded = encode(key, value);
        } catch (RuntimeException e) {
            return failedBeforeBackend(operation, key, e);
        }
        return observed(operation, key, b -> write.apply(b, key, encoded, effective));
    }

    /**
     * Encodes the value of {@code key} for the backend; throws what the serializer throws, or a
     * {@link ValueTooLargeException} (reported to the plugins) when it is over {@code max_value_size}.
     */
    Object encode(String key, Object value) {
        Object encoded = serializer.encode(value);
        if (encoded instanceof byte[] bytes && bytes.length > maxValueSize) {
            ValueTooLargeException error = new ValueTooLargeException(name, key, bytes.length, maxValueSize);
            events.event(CacheEvent.Kind.VALUE_TOO_LARGE, key, error);
            throw error;
        }
        return encoded;
    }

    /** {@code true} when decoding these stored values belongs on the {@link DecodePool}: a remote backend, too many bytes. */
    boolean decodesOffThread(Collection<Object> stored) {
        if (local) {
            return false;
        }
        long total = 0;
        for (Object value : stored) {
            if (value instanceof byte[] bytes && (total += bytes.length) > inlineDecodeLimit) {
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletableFuture<Boolean> store(String key, Object value, Duration ttl) {
        return write(Operation.SET, key, value, ttl, Backend::set);
    }

    /** Encodes and stores every value with one TTL, reported as {@code MULTI_SET}. */
    @Override
    public CompletableFuture<Boolean> storeAll(Map<String, ?> values, Duration ttl) {
        if (values.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        Duration effective = resolveTtl(ttl);
        Map<String, Object> encoded = new LinkedHashMap<>();
        try {
            values.forEach((key, value) -> encoded.put(key, serializer.encode(value)));
        } catch (RuntimeException e) {
            return failedBeforeBackend(Operation.MULTI_SET, null, e);
        }
        return observed(Operation.MULTI_SET, null, b -> b.multiSet(encoded, effective));
    }

    /**
     * The call's TTL, else the cache's default; {@code null} for no expiry.
     *
     * @throws IllegalArgumentException when the call's TTL is negative or longer than the backend keeps
     */
    Duration resolveTtl(Duration ttl) {
        return ttl == null ? config.defaultTtl() : expiry("ttl", ttl);
    }

    /**
     * A TTL as the backend takes it: {@code null} for zero (no expiry).
     *
     * @throws IllegalArgumentException, before any backend call, when {@code ttl} is negative or
     *         longer than the backend keeps ({@link Backend#maxTtl()})
     */
    Duration expiry(String setting, Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException(setting + " must not be negative, got " + ttl);
        }
        checkLongest(setting, ttl);
        return ttl.isZero() ? null : ttl;
    }

    /**
     * Checks a TTL or a lease against the longest the backend keeps.
     *
     * @throws IllegalArgumentException naming the setting, the value and the bound
     */
    void checkLongest(String setting, Duration duration) {
        Duration longest = backend.maxTtl();
        if (duration.compareTo(longest) > 0) {
            throw new IllegalArgumentException(tooLong(setting, duration, config.backend(), longest));
        }
    }

    /** The message of a TTL or lease over a backend's bound. */
    static String tooLong(String setting, Duration duration, String backend, Duration longest) {
        return setting + " " + duration + " is longer than backend '" + backend + "' keeps: at most "
                + longest.toDays() + " days (" + longest + ")";
    }

    // ---------------------------------------------------------------- locks

    @Override
    public CompletableFuture<Boolean> tryLock(String key, String token, Duration lease) {
        return observed(Operation.LOCK, key, b -> b.tryLock(key, token, lease));
    }

    @Override
    public CompletableFuture<Boolean> unlock(String key, String token) {
        return observed(Operation.UNLOCK, key, b -> b.unlock(key, token));
    }

    @Override
    public CompletableFuture<Void> releaseSignal(String key) {
        return backend.releaseSignal(key);
    }

    // ---------------------------------------------------------------- the pipeline

    /** Runs a backend call with the timeout, the breaker and the plugins, as {@code operation}. */
    <R> CompletableFuture<R> observed(Operation operation, String key, Function<Backend, CompletableFuture<R>> action) {
        if (events.none()) {
            return call(operation, key, action);
        }
        long start = System.nanoTime();
        events.pre(operation, key);
        return reportedFirst(call(operation, key, action),
                (value, error) -> events.post(operation, key, value, false, start, error));
    }

    /** Tells the plugins about a call that failed before it reached the backend, and returns the failure. */
    <R> CompletableFuture<R> failedBeforeBackend(Operation operation, String key, RuntimeException error) {
        if (!events.none()) {
            long start = System.nanoTime();
            events.pre(operation, key);
            events.post(operation, key, null, false, start, error);
        }
        return CompletableFuture.failedFuture(error);
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

    /** Runs a backend call bounded by the timeout and guarded by the circuit breaker. */
    private <R> CompletableFuture<R> call(Operation operation, String key, Function<Backend, CompletableFuture<R>> action) {
        return local ? invoke(action) : call(operation, key, action, Function.identity());
    }

    /**
     * Runs a backend call bounded by the timeout and guarded by the circuit breaker, and maps its
     * value with {@code then} in the same stage (a failure of {@code then} fails the call, and is
     * not the backend's): in the thread that completed the call, or, for a stored value
     * ({@code byte[]}) over the serializer's {@link Serializer#inlineDecodeLimit() inline decode
     * limit}, on the {@link DecodePool}.
     */
    private <R, V> CompletableFuture<V> call(Operation operation, String key, Function<Backend, CompletableFuture<R>> action,
            Function<? super R, ? extends V> then) {
        if (local) {
            return invoke(action).thenApply(then);
        }
        if (!breaker.allowRequest()) {
            return CompletableFuture.failedFuture(breaker.openError());
        }
        long began = System.nanoTime();
        CompletableFuture<R> pending = invoke(action);
        if (!timesOut[operation.ordinal()]) {
            pending = pending.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
        }
        CompletableFuture<V> result = new CompletableFuture<>();
        pending.whenComplete((value, error) -> {
            if (error == null) {
                breaker.onSuccess(System.nanoTime() - began);
                if (value instanceof byte[] stored && stored.length > inlineDecodeLimit) {
                    DecodePool.executor().execute(() -> completeWith(result, then, value));
                } else {
                    completeWith(result, then, value);
                }
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof TimeoutException || backend.isTimeout(cause)) {
                cause = new CacheTimeoutException("Cache '" + name + "': " + operation + (key == null ? "" : " of key '" + KeyText.of(key) + "'")
                        + " timed out after " + config.operationTimeout().toMillis() + " ms");
            }
            if (countsAsBackendFailure(cause)) {
                breaker.onFailure(cause, System.nanoTime() - began);
            } else {
                breaker.onSuccess(System.nanoTime() - began); // the backend is fine: the call was wrong
            }
            result.completeExceptionally(cause);
        });
        return result;
    }

    private static <R, V> void completeWith(CompletableFuture<V> result, Function<? super R, ? extends V> then, R value) {
        try {
            result.complete(then.apply(value));
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        }
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

    /**
     * {@code false} for errors that say something of the call (an argument, the stored value, the
     * lifecycle), not of the backend's health: they never open the circuit breaker.
     */
    private static boolean countsAsBackendFailure(Throwable error) {
        return !(error instanceof IllegalArgumentException || error instanceof UnsupportedOperationException
                || error instanceof SerializationException || error instanceof IllegalStateException
                || error instanceof ArithmeticException);
    }

    /** Completes {@code future} with the value, or with the error's cause (never a {@code CompletionException}). */
    static <R> void complete(CompletableFuture<R> future, R value, Throwable error) {
        if (error == null) {
            future.complete(value);
        } else {
            future.completeExceptionally(unwrap(error));
        }
    }

    /** The cause inside any {@link CompletionException}s. */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Throws the closed cache's error once {@link #close()} has run. */
    void requireOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("Cache '" + name + "' is closed: it was shut down; get it again from the "
                + "CacheManager after setting it up again");
    }

    /** Closes the backend; every later call fails. */
    CompletableFuture<Void> close() {
        closed = true;
        try {
            return backend.close();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
