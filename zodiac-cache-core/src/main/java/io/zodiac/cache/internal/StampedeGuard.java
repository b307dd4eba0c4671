package io.zodiac.cache.internal;

import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.spi.KeyText;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code getOrSet} with stampede protection.
 *
 * <p>Every caller reads the key first (a hit costs one read, and nothing else). In this JVM,
 * callers that missed share one <em>flight</em> per key: one lock attempt, at most one producer
 * run; a caller that finds the key's flight under way joins it without reading. The flight takes
 * the key's leased lock in the backend, reads again, runs the producer, stores the value, releases
 * the lock and hands the value (or the producer's exception) to every caller that joined it. When another
 * caller (another flight, another JVM) holds the lock, the flight waits for the backend's release
 * signal, bounded by the lease, then reads again and, finding nothing, tries the lock itself.
 *
 * <p>Callers that joined a flight whose producer outlives its lease stop waiting and start a new
 * flight, which may run the producer too. No caller waits for others longer than its lease plus
 * the operation timeout in total, whatever the backend holds (a lock that outlives its lease):
 * then it runs the producer itself, stores the value without the lock and returns it. A backend
 * failure or timeout at any step fails open: the producer runs and its value is returned unstored.
 */
final class StampedeGuard {

    private static final Logger LOG = LoggerFactory.getLogger(StampedeGuard.class);

    private final Store store;
    private final Events events;
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

    StampedeGuard(Store store) {
        this.store = store;
        this.events = store.events();
    }

    /**
     * What the guard needs of its cache: reads, a store, the key's lock and its release signal,
     * each through the cache's {@link BackendCalls pipeline} (timeout, breaker, plugins, decode).
     */
    interface Store {

        /** The cache's name, for log messages. */
        String name();

        /** The cache's plugins. */
        Events events();

        /** {@code true} for a backend in this JVM: read in the calling thread, producers run inline. */
        boolean local();

        /** A local backend's value in the calling thread: the value, {@code null}, or {@link BackendCalls#MISS}. */
        Object readNow(String key, Type type);

        /** The value, {@code null} for a stored null, {@link BackendCalls#MISS} for an absent or undecodable one; not reported. */
        CompletableFuture<Object> read(String key, Type type);

        /** Stores a produced value (a null included) with the call's TTL, reported as {@code SET}. */
        CompletableFuture<Boolean> store(String key, Object value, Duration ttl);

        /** Takes the key's lock for {@code lease}, reported as {@code LOCK}. */
        CompletableFuture<Boolean> tryLock(String key, String token, Duration lease);

        /** Releases the key's lock if {@code token} holds it, reported as {@code UNLOCK}. */
        CompletableFuture<Boolean> unlock(String key, String token);

        /** Completes at the next release of the key's lock (see {@link io.zodiac.cache.spi.Backend#releaseSignal}). */
        CompletableFuture<Void> releaseSignal(String key);

        /** The cache's operation timeout: with the lease, what a caller may wait for others in total. */
        Duration operationTimeout();
    }

    /** One in-flight {@code getOrSet} of a key, shared by the callers of this JVM. */
    private static final class Flight {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        /** When the leader started the producer ({@link System#nanoTime()}), 0 while it has not. */
        volatile long producingSince;
    }

    /**
     * Reads first, without a flight: a hit costs one read. A miss, or a read that failed, opens
     * (or joins) the key's flight, which then goes straight to the lock, or fails open, without
     * reading again. A key whose flight is already under way joins it without reading.
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer, GetOrSetOptions<T> options) {
        long start = events.none() ? 0 : System.nanoTime();
        events.pre(Operation.GET_OR_SET, key);
        long deadline = System.nanoTime() + saturatedNanos(options.lease().plus(store.operationTimeout()));
        if (store.local()) {
            Object value = store.readNow(key, options.type());
            if (value != BackendCalls.MISS) {
                events.post(Operation.GET_OR_SET, key, value, true, start, null);
                return CompletableFuture.completedFuture((T) value);
            }
            return (CompletableFuture<T>) flight(key, producer, options, start, deadline, Leader::attempt);
        }
        Flight existing = flights.get(key);
        if (existing != null) {
            return (CompletableFuture<T>) join(existing, key, producer, options, start, deadline);
        }
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        store.read(key, options.type()).whenComplete((value, error) -> {
            if (error == null && value != BackendCalls.MISS) {
                events.post(Operation.GET_OR_SET, key, value, true, start, null);
                outcome.complete(value);
            } else {
                Consumer<Leader<T>> next = error == null ? Leader::lock : leader -> leader.failOpen(error);
                flight(key, producer, options, start, deadline, next)
                        .whenComplete((result, failure) -> BackendCalls.complete(outcome, result, failure));
            }
        });
        return (CompletableFuture<T>) outcome;
    }

    /**
     * Opens the key's flight and lets its leader {@code begin}: read ({@link Leader#attempt}), take
     * the lock after the caller's own read missed ({@link Leader#lock}), or fail open after it
     * failed; or joins the flight under way.
     */
    private <T> CompletableFuture<Object> flight(String key, Supplier<? extends CompletionStage<T>> producer,
            GetOrSetOptions<T> options, long start, long deadline, Consumer<Leader<T>> begin) {
        Flight flight = new Flight();
        Flight existing = flights.putIfAbsent(key, flight);
        if (existing != null) {
            return join(existing, key, producer, options, start, deadline);
        }
        Leader<T> leader = new Leader<>(key, producer, options, flight, start, deadline);
        begin.accept(leader);
        return flight.result.thenApply(value -> value);
    }

    /**
     * Waits for another caller's flight: while its leader waits for the lock, up to this caller's
     * {@code deadline}; once its producer runs, up to a lease from the producer's start. A flight
     * whose producer outlived its lease is left behind: this caller starts a new flight, which may
     * run the producer too. Past its deadline, the caller runs the producer itself.
     */
    private <T> CompletableFuture<Object> join(Flight flight, String key, Supplier<? extends CompletionStage<T>> producer,
            GetOrSetOptions<T> options, long start, long deadline) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        awaitFlight(flight, key, producer, options, start, deadline, events.none() ? 0 : System.nanoTime(), outcome);
        return outcome;
    }

    private <T> void awaitFlight(Flight flight, String key, Supplier<? extends CompletionStage<T>> producer,
            GetOrSetOptions<T> options, long start, long deadline, long waitStart, CompletableFuture<Object> outcome) {
        long lease = saturatedNanos(options.lease());
        long producing = flight.producingSince;
        long until = producing != 0 ? producing + lease : deadline;
        flight.result.copy().orTimeout(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS).whenComplete((value, error) -> {
            if (error != null && !flight.result.isDone()) {
                long now = System.nanoTime();
                long since = flight.producingSince;
                boolean patient = since != 0 ? now - since < lease : now - deadline < 0;
                if (patient) { // the leader started producing meanwhile: wait for it
                    awaitFlight(flight, key, producer, options, start, deadline, waitStart, outcome);
                    return;
                }
                events.post(Operation.LOCK_WAIT, key, null, false, waitStart, null);
                events.event(CacheEvent.Kind.LEASE_EXPIRED, key, null);
                flights.remove(key, flight);
                CompletableFuture<Object> next;
                if (now - deadline >= 0) {
                    Leader<T> alone = new Leader<>(key, producer, options, new Flight(), start, deadline);
                    alone.waitedLongEnough();
                    next = alone.flight.result;
                } else {
                    next = flight(key, producer, options, start, deadline, Leader::attempt);
                }
                next.whenComplete((result, nextError) -> BackendCalls.complete(outcome, result, nextError));
                return;
            }
            Object result = error == null ? value : null;
            Throwable cause = error == null ? null : BackendCalls.unwrap(error);
            events.post(Operation.GET_OR_SET, key, result, cause == null, start, cause);
            BackendCalls.complete(outcome, result, cause);
        });
    }

    /** How long to wait for others now: a lease, but never past {@code deadline}. */
    private static long waitNanos(Duration lease, long deadline) {
        return Math.max(0, Math.min(saturatedNanos(lease), deadline - System.nanoTime()));
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** The caller that runs a flight: read, lock, produce, store, release. */
    private final class Leader<T> {
        private final String key;
        private final Supplier<? extends CompletionStage<T>> producer;
        private final GetOrSetOptions<T> options;
        private final Flight flight;
        private final long start;
        /** When this caller has waited for others all it may ({@link System#nanoTime()}). */
        private final long deadline;
        private final Duration lease;

        Leader(String key, Supplier<? extends CompletionStage<T>> producer, GetOrSetOptions<T> options, Flight flight,
                long start, long deadline) {
            this.key = key;
            this.producer = producer;
            this.options = options;
            this.flight = flight;
            this.start = start;
            this.deadline = deadline;
            this.lease = options.lease();
        }

        /** Read; on a miss, try the lock. */
        void attempt() {
            store.read(key, options.type()).whenComplete((value, error) -> {
                if (error != null) {
                    failOpen(error);
                } else if (value != BackendCalls.MISS) {
                    finish(value, true, null);
                } else {
                    lock();
                }
            });
        }

        void lock() {
            CompletableFuture<Void> released = store.releaseSignal(key);
            String token = UUID.randomUUID().toString();
            store.tryLock(key, token, lease).whenComplete((locked, error) -> {
                if (error != null) {
                    released.cancel(false);
                    failOpen(error);
                } else if (locked) {
                    released.cancel(false);
                    produceHolding(token);
                } else {
                    awaitRelease(released);
                }
            });
        }

        /**
         * Waits for the holder's release, at most a lease and never past the deadline, then reads
         * again; past the deadline, produces without the lock.
         */
        private void awaitRelease(CompletableFuture<Void> released) {
            long waitStart = events.none() ? 0 : System.nanoTime();
            released.orTimeout(waitNanos(lease, deadline), TimeUnit.NANOSECONDS).whenComplete((ignored, error) -> {
                events.post(Operation.LOCK_WAIT, key, null, false, waitStart, null);
                if (error != null) {
                    released.cancel(false);
                    events.event(CacheEvent.Kind.LEASE_EXPIRED, key, null);
                }
                if (System.nanoTime() - deadline >= 0) {
                    waitedLongEnough();
                } else {
                    attempt();
                }
            });
        }

        /**
         * This caller has waited its lease and the operation timeout for others: whatever holds the
         * lock, it produces now, and stores the value without the lock.
         */
        void waitedLongEnough() {
            LOG.warn("Cache '{}': key '{}' stayed locked past the lease plus the operation timeout; producing without "
                    + "the lock", store.name(), KeyText.of(key));
            produceAndStore(null);
        }

        /** Holding the lock: read again (another holder may have just stored), else produce. */
        private void produceHolding(String token) {
            store.read(key, options.type()).whenComplete((value, error) -> {
                if (error == null && value != BackendCalls.MISS) {
                    unlock(token).whenComplete((ignored, unlockError) -> finish(value, true, null));
                    return;
                }
                produceAndStore(token);
            });
        }

        /** Runs the producer, stores its value unless it is skipped, releases the lock if {@code token} holds one. */
        private void produceAndStore(String token) {
            produce().whenComplete((produced, producerError) -> {
                Throwable failure = producerError;
                boolean skip = false;
                if (failure == null) {
                    try {
                        skip = options.skips(produced);
                    } catch (RuntimeException | Error e) {
                        failure = e; // a failing skipCacheIf predicate fails the call, else the flight never completes
                    }
                }
                if (failure != null) {
                    Throwable failed = failure;
                    unlock(token).whenComplete((ignored, unlockError) -> finish(null, false, failed));
                } else if (skip) {
                    unlock(token).whenComplete((ignored, unlockError) -> finish(produced, false, null));
                } else {
                    Duration ttl = produced == null && options.nullTtl() != null ? options.nullTtl() : options.ttl();
                    store.store(key, produced, ttl).whenComplete((stored, storeError) -> {
                        if (storeError != null) {
                            LOG.warn("Cache '{}': storing the produced value of key '{}' failed; returning it unstored: {}",
                                    store.name(), KeyText.of(key), BackendCalls.unwrap(storeError).toString());
                        }
                        unlock(token).whenComplete((ignored, unlockError) -> finish(produced, false, null));
                    });
                }
            });
        }

        /** Releases the lock {@code token} holds; completes at once when it holds none ({@code null}). */
        private CompletableFuture<Boolean> unlock(String token) {
            if (token == null) {
                return CompletableFuture.completedFuture(false);
            }
            return store.unlock(key, token)
                    .exceptionally(error -> {
                        LOG.warn("Cache '{}': releasing the lock of key '{}' failed; it expires with its lease: {}",
                                store.name(), KeyText.of(key), BackendCalls.unwrap(error).toString());
                        return false;
                    });
        }

        /** The backend failed: run the producer without the cache and return its value. */
        void failOpen(Throwable error) {
            Throwable cause = BackendCalls.unwrap(error);
            if (!(cause instanceof CacheUnavailableException)) {
                LOG.warn("Cache '{}': backend failed for key '{}', running the producer without the cache: {}",
                        store.name(), KeyText.of(key), cause.toString());
            }
            events.event(CacheEvent.Kind.FAIL_OPEN, key, cause);
            produce().whenComplete((produced, producerError) -> finish(produced, false, producerError));
        }

        /**
         * Runs the producer: in the calling thread on a local backend, else on the common pool, so
         * that a producer that blocks before returning its stage never stalls a backend's I/O thread
         * (the thread that completed the lock attempt).
         */
        private CompletableFuture<T> produce() {
            flight.producingSince = System.nanoTime() | 1; // never 0
            long produceStart = events.none() ? 0 : System.nanoTime();
            events.pre(Operation.PRODUCE, key);
            CompletableFuture<T> produced = store.local() ? invokeProducer()
                    : CompletableFuture.supplyAsync(this::invokeProducer, ForkJoinPool.commonPool()).thenCompose(stage -> stage);
            if (!events.none()) {
                produced.whenComplete((value, error) -> events.post(Operation.PRODUCE, key, value, false, produceStart,
                        error == null ? null : BackendCalls.unwrap(error)));
            }
            return produced;
        }

        private CompletableFuture<T> invokeProducer() {
            try {
                CompletionStage<T> stage = producer.get();
                return stage == null
                        ? CompletableFuture.failedFuture(new NullPointerException("producer of key '" + KeyText.of(key) + "' returned null instead of a CompletionStage"))
                        : stage.toCompletableFuture();
            } catch (RuntimeException | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        private void finish(Object value, boolean hit, Throwable error) {
            Throwable cause = error == null ? null : BackendCalls.unwrap(error);
            events.post(Operation.GET_OR_SET, key, value, hit, start, cause);
            // Off the map before the callers see the result: a caller's next getOrSet of the key (a
            // skipped value, a failure) must start a flight of its own, not join this finished one.
            flights.remove(key, flight);
            BackendCalls.complete(flight.result, value, cause);
        }
    }
}
