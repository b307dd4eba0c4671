package io.zodiac.cache.spi;

import io.zodiac.cache.plugin.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Holds back the calls of a backend whose connection is made in the background until it is first
 * made. Setting a cache up does not wait for its server: a backend opens the gate once its client
 * has connected the first time (reconnecting afterwards is the client's business, and the gate
 * stays open). Before that, a call waits for the gate within a bound and then fails with the
 * backend's "not connected" error; once the gate is open, calls pass straight through at the cost
 * of one volatile read.
 *
 * <pre>{@code
 * ConnectionGate gate = new ConnectionGate();
 * client.connectAsync().thenRun(gate::open);                 // retried by the backend until it succeeds
 * return gate.guard(backend, operationTimeout, () -> new CacheUnavailableException("Cache 'x': not connected yet ...", lastError));
 * }</pre>
 *
 * <p>Thread-safe. Waiting calls are kept only while they wait.
 */
public final class ConnectionGate {

    private volatile boolean open;
    private volatile Supplier<? extends RuntimeException> closed;
    private final Set<CompletableFuture<Void>> waiting = ConcurrentHashMap.newKeySet();

    /** A closed gate: calls wait until {@link #open()}. */
    public ConnectionGate() {
    }

    /** {@code true} once the connection was first made. */
    public boolean isOpen() {
        return open;
    }

    /** The connection is made: waiting calls proceed, and every later call passes at once. */
    public void open() {
        open = true;
        release(null);
    }

    /**
     * The backend shuts down before its connection was made: waiting and later calls fail with the
     * error of {@code failure} instead of waiting.
     */
    public void shut(Supplier<? extends RuntimeException> failure) {
        closed = failure;
        release(failure);
    }

    private void release(Supplier<? extends RuntimeException> failure) {
        for (CompletableFuture<Void> waiter : List.copyOf(waiting)) {
            waiting.remove(waiter);
            if (failure == null) {
                waiter.complete(null);
            } else {
                waiter.completeExceptionally(failure.get());
            }
        }
    }

    /**
     * Runs {@code operation} once the gate is open: at once when it is; otherwise when it opens, if
     * that is within {@code bound}. The whole call (the wait and the operation) is bounded by
     * {@code bound}: it fails with {@code notConnected}'s error when the gate did not open in time,
     * with a {@link TimeoutException} when the operation did not finish in what was left.
     */
    public <R> CompletableFuture<R> call(Duration bound, Supplier<? extends RuntimeException> notConnected,
            Supplier<CompletableFuture<R>> operation) {
        if (open) {
            return operation.get();
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        waiting.add(waiter);
        if (open || closed != null) {
            // opened or shut between the first look and joining the waiters: release() may have missed us
            waiting.remove(waiter);
            Supplier<? extends RuntimeException> failure = closed;
            if (failure != null && !open) {
                return CompletableFuture.failedFuture(failure.get());
            }
            return operation.get();
        }
        CompletableFuture<R> result = new CompletableFuture<>();
        waiter.thenCompose(ignored -> operation.get()).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            }
        });
        // A timer of its own, completed on the JDK's delay thread when the bound passes (as orTimeout
        // does, and before any timer the caller starts after this returns), cancelled when the call ends.
        CompletableFuture<Void> timer = new CompletableFuture<Void>().orTimeout(bound.toNanos(), TimeUnit.NANOSECONDS);
        timer.whenComplete((ignored, timedOut) -> {
            waiting.remove(waiter);
            if (timedOut != null && !result.isDone()) {
                result.completeExceptionally(open ? new TimeoutException("timed out after the connection was made")
                        : notConnected.get());
            }
        });
        result.whenComplete((value, error) -> timer.complete(null));
        return result;
    }

    /**
     * {@code backend} with every call but {@link Backend#releaseSignal} and {@link Backend#close}
     * going through {@link #call}: the backend's methods run only once the gate is open.
     *
     * @param bound how long a call may wait (the cache's operation timeout)
     * @param notConnected the error of a call made while the gate stays closed
     */
    public Backend guard(Backend backend, Duration bound, Supplier<? extends RuntimeException> notConnected) {
        return new Guarded(backend, this, bound, notConnected);
    }

    /** A backend whose calls wait for the gate. */
    private static final class Guarded implements Backend {
        private final Backend backend;
        private final ConnectionGate gate;
        private final Duration bound;
        private final Supplier<? extends RuntimeException> notConnected;

        Guarded(Backend backend, ConnectionGate gate, Duration bound, Supplier<? extends RuntimeException> notConnected) {
            this.backend = backend;
            this.gate = gate;
            this.bound = bound;
            this.notConnected = notConnected;
        }

        private <R> CompletableFuture<R> call(Supplier<CompletableFuture<R>> operation) {
            return gate.open ? operation.get() : gate.call(bound, notConnected, operation);
        }

        @Override
        public CompletableFuture<Object> get(String key) {
            return gate.open ? backend.get(key) : gate.call(bound, notConnected, () -> backend.get(key));
        }

        @Override
        public CompletableFuture<StoredValue> getWithTtl(String key) {
            return call(() -> backend.getWithTtl(key));
        }

        @Override
        public StoredValue getWithTtlNow(String key) {
            return backend.getWithTtlNow(key);
        }

        @Override
        public Object getNow(String key) {
            return backend.getNow(key);
        }

        @Override
        public CompletableFuture<Map<String, Object>> multiGet(List<String> keys) {
            return call(() -> backend.multiGet(keys));
        }

        @Override
        public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
            return gate.open ? backend.set(key, value, ttl) : gate.call(bound, notConnected, () -> backend.set(key, value, ttl));
        }

        @Override
        public CompletableFuture<Boolean> multiSet(Map<String, Object> values, Duration ttl) {
            return call(() -> backend.multiSet(values, ttl));
        }

        @Override
        public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
            return call(() -> backend.add(key, value, ttl));
        }

        @Override
        public CompletableFuture<Boolean> delete(String key) {
            return call(() -> backend.delete(key));
        }

        @Override
        public CompletableFuture<Boolean> exists(String key) {
            return call(() -> backend.exists(key));
        }

        @Override
        public CompletableFuture<Long> increment(String key, long delta) {
            return call(() -> backend.increment(key, delta));
        }

        @Override
        public CompletableFuture<Boolean> expire(String key, Duration ttl) {
            return call(() -> backend.expire(key, ttl));
        }

        @Override
        public CompletableFuture<Duration> ttl(String key) {
            return call(() -> backend.ttl(key));
        }

        @Override
        public CompletableFuture<List<String>> keys(String prefix, int limit) {
            return call(() -> backend.keys(prefix, limit));
        }

        @Override
        public CompletableFuture<Boolean> clear() {
            return call(backend::clear);
        }

        @Override
        public CompletableFuture<Boolean> tryLock(String key, String token, Duration lease) {
            return call(() -> backend.tryLock(key, token, lease));
        }

        @Override
        public CompletableFuture<Boolean> unlock(String key, String token) {
            return call(() -> backend.unlock(key, token));
        }

        @Override
        public CompletableFuture<Void> releaseSignal(String key) {
            return backend.releaseSignal(key);
        }

        @Override
        public boolean local() {
            return backend.local();
        }

        @Override
        public Duration maxTtl() {
            return backend.maxTtl();
        }

        @Override
        public Object getHeldNow(String key) {
            return backend.getHeldNow(key);
        }

        @Override
        public OptionalLong estimatedSize() {
            return backend.estimatedSize();
        }

        @Override
        public boolean timesOut(Operation operation) {
            return backend.timesOut(operation);
        }

        @Override
        public boolean isTimeout(Throwable error) {
            return backend.isTimeout(error);
        }

        @Override
        public CompletableFuture<Void> close() {
            return backend.close();
        }

        @Override
        public String toString() {
            return backend.toString();
        }
    }
}
