package io.zodiac.cache.internal;

import io.zodiac.cache.CacheTimeoutException;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.spi.KeyText;
import io.zodiac.cache.spi.StoredValue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
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
 *
 * <p>A leader waits for the backend (its reads, the lock, the store, the release) one operation
 * timeout in total, not one per step: the time it waits for a lock holder or for the producer does
 * not count. Out of time before producing, it fails open; out of time after, it returns the value
 * and leaves the store and the release to finish in the background (a lock taken too late is
 * released). Callers that joined its flight wait for it, not for the backend, once its producer
 * has answered.
 */
final class StampedeGuard {

    private static final Logger LOG = LoggerFactory.getLogger(StampedeGuard.class);

    private final Store store;
    private final Events events;
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    /** The keys whose refresh-ahead runs in this JVM: at most one per key at a time. */
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

    /**
     * Runs the producers of refreshes, shared by every cache: daemon threads, created as needed and
     * dropped after a minute idle. Never a backend's I/O thread, never a caller's.
     */
    private static final ExecutorService REFRESHES = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "zodiac-cache-refresh-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

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

        /** A local backend's value and remaining TTL in the calling thread; {@code null} for an absent or undecodable one. */
        StoredValue readNowWithTtl(String key, Type type);

        /** The value and its remaining TTL; {@code null} for an absent or undecodable one; not reported. */
        CompletableFuture<StoredValue> readWithTtl(String key, Type type);

        /** The values of the present keys (a stored null maps to {@code null}), reported as {@code MULTI_GET}. */
        CompletableFuture<Map<String, Object>> readAll(List<String> keys, Type type);

        /** Stores every value with one TTL, reported as {@code MULTI_SET}. */
        CompletableFuture<Boolean> storeAll(Map<String, ?> values, Duration ttl);

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

    /**
     * One in-flight {@code getOrSet} of a key: the callers of this process that share one producer.
     * Exactly one of them runs it, the one that {@linkplain #claim() claims} the flight: the leader
     * once it holds the lock (or the backend failed), or whichever caller has waited all it may first.
     */
    private static final class Flight {
        private static final VarHandle PRODUCING_SINCE;

        static {
            try {
                PRODUCING_SINCE = MethodHandles.lookup().findVarHandle(Flight.class, "producingSince", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final CompletableFuture<Object> result = new CompletableFuture<>();
        /** When a caller claimed the producer ({@link System#nanoTime()}, never 0), 0 while none has. */
        volatile long producingSince;
        /**
         * When the leader's producer answered ({@link System#nanoTime()}), 0 while it has not: the
         * flight completes within an operation timeout from then (the leader's time for the backend).
         */
        volatile long producedAt;

        /** Makes the calling caller this flight's producer; false when another caller is (or was) already. */
        boolean claim() {
            return PRODUCING_SINCE.compareAndSet(this, 0L, System.nanoTime() | 1);
        }
    }

    /**
     * Reads first, without a flight: a hit costs one read. A miss, or a read that failed, opens
     * (or joins) the key's flight, which then goes straight to the lock, or fails open, without
     * reading again. A key whose flight is already under way joins it without reading.
     */
    <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer, GetOrSetOptions<T> options) {
        return getOrSet(key, producer, producer, options);
    }

    /**
     * {@link #getOrSet(String, Supplier, GetOrSetOptions)} with the producer a refresh-ahead runs
     * ({@code refresher}, on the refresh executor: the caller has its value by then). With
     * {@link GetOrSetOptions#refreshAfter()} set, {@code options.ttl()} must be the TTL values are
     * stored with (the cache resolves it).
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> getOrSet(String key, Supplier<? extends CompletionStage<T>> producer,
            Supplier<? extends CompletionStage<T>> refresher, GetOrSetOptions<T> options) {
        if (options.refreshAfter() != null) {
            return getOrSetRefreshing(key, producer, refresher, options);
        }
        long start = events.none() ? 0 : System.nanoTime();
        events.pre(Operation.GET_OR_SET, key);
        long begun = System.nanoTime();
        long deadline = begun + saturatedNanos(options.lease().plus(store.operationTimeout()));
        long backendDeadline = backendDeadline(begun);
        if (store.local()) {
            Object value = store.readNow(key, options.type());
            if (value != BackendCalls.MISS) {
                events.post(Operation.GET_OR_SET, key, value, true, start, null);
                return CompletableFuture.completedFuture((T) value);
            }
            return (CompletableFuture<T>) flight(key, producer, options, start, deadline, backendDeadline, Leader::attempt);
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
                missed(key, producer, options, start, deadline, backendDeadline, error, outcome);
            }
        });
        return (CompletableFuture<T>) outcome;
    }

    /** After the caller's own read missed (or failed): the flight takes the lock (or fails open) without reading again. */
    private <T> void missed(String key, Supplier<? extends CompletionStage<T>> producer, GetOrSetOptions<T> options,
            long start, long deadline, long backendDeadline, Throwable error, CompletableFuture<Object> outcome) {
        Consumer<Leader<T>> next = error == null ? Leader::lock : leader -> leader.failOpen(error);
        flight(key, producer, options, start, deadline, backendDeadline, next)
                .whenComplete((result, failure) -> BackendCalls.complete(outcome, result, failure));
    }

    // ---------------------------------------------------------------- refresh-ahead

    /**
     * {@code getOrSet} with refresh-ahead: reads the value with its remaining TTL; a hit is
     * returned at once and, when the entry is older than {@code refreshAfter}, starts a background
     * refresh ({@link Refresh}); a miss goes the ordinary way.
     */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> getOrSetRefreshing(String key, Supplier<? extends CompletionStage<T>> producer,
            Supplier<? extends CompletionStage<T>> refresher, GetOrSetOptions<T> options) {
        long start = events.none() ? 0 : System.nanoTime();
        events.pre(Operation.GET_OR_SET, key);
        long begun = System.nanoTime();
        long deadline = begun + saturatedNanos(options.lease().plus(store.operationTimeout()));
        long backendDeadline = backendDeadline(begun);
        if (store.local()) {
            StoredValue hit = store.readNowWithTtl(key, options.type());
            if (hit != null) {
                events.post(Operation.GET_OR_SET, key, hit.value(), true, start, null);
                refreshIfDue(key, hit, refresher, options);
                return CompletableFuture.completedFuture((T) hit.value());
            }
            return (CompletableFuture<T>) flight(key, producer, options, start, deadline, backendDeadline, Leader::attempt);
        }
        Flight existing = flights.get(key);
        if (existing != null) {
            return (CompletableFuture<T>) join(existing, key, producer, options, start, deadline);
        }
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        store.readWithTtl(key, options.type()).whenComplete((hit, error) -> {
            if (error == null && hit != null) {
                events.post(Operation.GET_OR_SET, key, hit.value(), true, start, null);
                outcome.complete(hit.value());
                refreshIfDue(key, hit, refresher, options);
            } else {
                missed(key, producer, options, start, deadline, backendDeadline, error, outcome);
            }
        });
        return (CompletableFuture<T>) outcome;
    }

    /** Starts a refresh of {@code key} when its entry is due and no refresh of it runs in this JVM. */
    private <T> void refreshIfDue(String key, StoredValue hit, Supplier<? extends CompletionStage<T>> refresher,
            GetOrSetOptions<T> options) {
        if (due(hit, options) && refreshing.add(key)) {
            // started on the refresh executor: the hit that found the entry due returns at hit latency,
            // without paying for the refresh's token, lock and read on the caller's thread
            Refresh<T> refresh = new Refresh<>(key, refresher, options);
            try {
                REFRESHES.execute(refresh::start);
            } catch (RejectedExecutionException e) { // the hit still answers; the entry expires by its TTL
                refreshing.remove(key);
                LOG.warn("Cache '{}': refresh of key '{}' not started: {}", store.name(), KeyText.of(key), e.toString());
            }
        }
    }

    /**
     * {@code true} when the entry is older than {@code refreshAfter}: its age is the TTL it was
     * written with (the null TTL for a stored null) less its remaining TTL. An entry whose remaining
     * TTL is unknown is never due.
     */
    private static boolean due(StoredValue hit, GetOrSetOptions<?> options) {
        if (hit.remaining() == null) {
            return false;
        }
        Duration written = hit.value() == null && options.nullTtl() != null ? options.nullTtl() : options.ttl();
        return hit.remaining().compareTo(written.minus(options.refreshAfter())) <= 0;
    }

    /** The TTL a produced value is stored with: the null TTL for a null when there is one, else the call's TTL. */
    private static Duration ttlFor(Object value, GetOrSetOptions<?> options) {
        return value == null && options.nullTtl() != null ? options.nullTtl() : options.ttl();
    }

    /**
     * One background refresh of a key: takes the key's lock (another JVM holding it refreshes, so
     * this one does not), reads again (skips an entry that another JVM just refreshed), runs the
     * producer on the refresh executor, stores the value with a fresh TTL, releases the lock. A
     * failure keeps the old value, is logged and reported as {@link CacheEvent.Kind#REFRESH_FAILED}.
     */
    private final class Refresh<T> {
        private final String key;
        private final Supplier<? extends CompletionStage<T>> refresher;
        private final GetOrSetOptions<T> options;

        Refresh(String key, Supplier<? extends CompletionStage<T>> refresher, GetOrSetOptions<T> options) {
            this.key = key;
            this.refresher = refresher;
            this.options = options;
        }

        void start() {
            String token = UUID.randomUUID().toString();
            CompletableFuture<Boolean> locked;
            try {
                locked = store.tryLock(key, token, options.lease());
            } catch (RuntimeException e) {
                locked = CompletableFuture.failedFuture(e);
            }
            locked.whenComplete((taken, error) -> {
                if (error != null) {
                    failed(error, null);
                } else if (!taken) {
                    refreshing.remove(key); // another caller (JVM) holds the key: it refreshes or loads it
                } else {
                    store.readWithTtl(key, options.type()).whenComplete((current, readError) -> {
                        if (readError == null && current != null && !due(current, options)) {
                            done(token); // refreshed meanwhile
                        } else {
                            produce(token);
                        }
                    });
                }
            });
        }

        private void produce(String token) {
            CompletableFuture.supplyAsync(() -> invoke(refresher, key), REFRESHES).thenCompose(stage -> stage)
                    .whenComplete((value, error) -> {
                        if (error != null) {
                            failed(error, token);
                            return;
                        }
                        boolean skip;
                        try {
                            skip = options.skips(value);
                        } catch (RuntimeException | Error e) {
                            failed(e, token);
                            return;
                        }
                        if (skip) {
                            done(token);
                            return;
                        }
                        store.store(key, value, ttlFor(value, options)).whenComplete((stored, storeError) -> {
                            if (storeError != null) {
                                failed(storeError, token);
                            } else {
                                events.event(CacheEvent.Kind.REFRESHED, key, null);
                                done(token);
                            }
                        });
                    });
        }

        private void failed(Throwable error, String token) {
            Throwable cause = BackendCalls.unwrap(error);
            LOG.warn("Cache '{}': refreshing key '{}' failed; the stored value stays until its TTL: {}", store.name(),
                    KeyText.of(key), cause.toString());
            events.event(CacheEvent.Kind.REFRESH_FAILED, key, cause);
            done(token);
        }

        /** Releases the lock {@code token} holds (none for {@code null}), then lets the next refresh of the key start. */
        private void done(String token) {
            if (token == null) {
                refreshing.remove(key);
                return;
            }
            store.unlock(key, token).whenComplete((released, error) -> {
                if (error != null) {
                    LOG.warn("Cache '{}': releasing the lock of key '{}' after a refresh failed; it expires with its lease: {}",
                            store.name(), KeyText.of(key), BackendCalls.unwrap(error).toString());
                }
                refreshing.remove(key);
            });
        }
    }

    // ---------------------------------------------------------------- getOrSetAll

    /**
     * {@code getOrSetAll}: one multi-read; then, for the keys that missed, the stampede protection
     * of {@code getOrSet} per key, with one loader call for every key this call must load and one
     * multi-write (two when nulls have a TTL of their own).
     *
     * <p>A missed key whose flight already runs in this JVM is joined. This call opens the flight
     * of every other missed key and tries each key's lock: a key locked by another caller (another
     * JVM) is awaited as {@code getOrSet} awaits it, then read; the keys it locked are read again
     * (another holder may have just stored them) and the rest are loaded at once, without waiting
     * for the keys it joined or awaits, so overlapping batches never wait on each other. A key
     * still missing after an await, or left behind by a flight that outlived its lease, is loaded
     * on its own. A failed multi-read fails open: the loader runs for every key and nothing is
     * stored.
     *
     * @param keys distinct keys, in the order of the result
     */
    <T> CompletableFuture<Map<String, T>> getOrSetAll(List<String> keys,
            Function<Set<String>, ? extends CompletionStage<Map<String, T>>> loader, GetOrSetOptions<T> options) {
        CompletableFuture<Map<String, T>> result = new CompletableFuture<>();
        if (keys.isEmpty()) {
            result.complete(new LinkedHashMap<>());
            return result;
        }
        store.readAll(keys, options.type()).whenComplete((found, error) -> {
            if (error != null) {
                failOpenAll(keys, loader, error, result);
            } else if (found.size() == keys.size()) {
                result.complete(allHits(keys, found));
            } else {
                new Batch<>(keys, found, loader, options, result).start();
            }
        });
        return result;
    }

    /** Every key was read: the values in the order of the keys. */
    @SuppressWarnings("unchecked")
    private static <T> Map<String, T> allHits(List<String> keys, Map<String, Object> found) {
        Map<String, T> values = new LinkedHashMap<>();
        for (String key : keys) {
            values.put(key, (T) found.get(key));
        }
        return values;
    }

    /** The backend failed the multi-read: the loader runs for every key, its values are returned unstored. */
    private <T> void failOpenAll(List<String> keys, Function<Set<String>, ? extends CompletionStage<Map<String, T>>> loader,
            Throwable error, CompletableFuture<Map<String, T>> result) {
        Throwable cause = BackendCalls.unwrap(error);
        if (!(cause instanceof CacheUnavailableException)) {
            LOG.warn("Cache '{}': backend failed for a batch of {} keys, running the loader without the cache: {}",
                    store.name(), keys.size(), cause.toString());
        }
        events.event(CacheEvent.Kind.FAIL_OPEN, null, cause);
        load(loader, new LinkedHashSet<>(keys)).whenComplete((loaded, loadError) -> {
            if (loadError != null) {
                result.completeExceptionally(BackendCalls.unwrap(loadError));
                return;
            }
            Map<String, T> values = new LinkedHashMap<>();
            keys.forEach(key -> values.put(key, loaded.get(key)));
            result.complete(values);
        });
    }

    /**
     * Calls the loader: in the calling thread on a local backend, else on the common pool (never
     * on a backend's I/O thread); a thrown exception or a null stage or map fails the future.
     */
    private <T> CompletableFuture<Map<String, T>> load(Function<Set<String>, ? extends CompletionStage<Map<String, T>>> loader,
            Set<String> keys) {
        Set<String> wanted = Collections.unmodifiableSet(keys);
        Supplier<CompletableFuture<Map<String, T>>> call = () -> {
            try {
                CompletionStage<Map<String, T>> stage = loader.apply(wanted);
                if (stage == null) {
                    return CompletableFuture.failedFuture(new NullPointerException("loader returned null instead of a CompletionStage"));
                }
                return stage.toCompletableFuture().thenApply(loaded -> {
                    if (loaded == null) {
                        throw new NullPointerException("loader returned a null map");
                    }
                    return loaded;
                });
            } catch (RuntimeException | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        };
        return store.local() ? call.get() : CompletableFuture.supplyAsync(call, ForkJoinPool.commonPool()).thenCompose(stage -> stage);
    }

    /** One {@code getOrSetAll} call past its multi-read. */
    private final class Batch<T> {
        private final List<String> keys;
        private final Map<String, Object> found;
        private final Function<Set<String>, ? extends CompletionStage<Map<String, T>>> loader;
        private final GetOrSetOptions<T> options;
        private final CompletableFuture<Map<String, T>> result;
        private final long start = System.nanoTime();
        private final long deadline;
        /** Every key's outcome, in the order of the keys. */
        private final Map<String, CompletableFuture<Object>> outcomes = new LinkedHashMap<>();
        /** The flights this call opened, by key. */
        private final Map<String, Flight> opened = new LinkedHashMap<>();
        /** The lock token of each key this call holds. */
        private final Map<String, String> held = new ConcurrentHashMap<>();
        /** The keys to load without a lock (taking it failed: fail open). */
        private final Set<String> unlocked = ConcurrentHashMap.newKeySet();

        Batch(List<String> keys, Map<String, Object> found, Function<Set<String>, ? extends CompletionStage<Map<String, T>>> loader,
                GetOrSetOptions<T> options, CompletableFuture<Map<String, T>> result) {
            this.keys = keys;
            this.found = found;
            this.loader = loader;
            this.options = options;
            this.result = result;
            this.deadline = start + saturatedNanos(options.lease().plus(store.operationTimeout()));
        }

        void start() {
            for (String key : keys) {
                if (found.containsKey(key)) {
                    outcomes.put(key, CompletableFuture.completedFuture(found.get(key)));
                    continue;
                }
                Flight flight = new Flight();
                Flight existing = flights.putIfAbsent(key, flight);
                if (existing != null) {
                    outcomes.put(key, join(existing, key, alone(key), options, start, deadline));
                } else {
                    opened.put(key, flight);
                    outcomes.put(key, flight.result);
                }
            }
            CompletableFuture.allOf(outcomes.values().toArray(CompletableFuture[]::new)).whenComplete((done, error) -> finish());
            if (!opened.isEmpty()) {
                lockAll();
            }
        }

        /** The producer of one key loaded on its own (after an await, or a flight that outlived its lease). */
        private Supplier<CompletionStage<T>> alone(String key) {
            return () -> load(loader, new LinkedHashSet<>(Set.of(key))).thenApply(loaded -> loaded.get(key));
        }

        /** Tries the lock of every opened key; once all have answered, loads the keys it holds. */
        private void lockAll() {
            List<CompletableFuture<Void>> answers = new ArrayList<>(opened.size());
            opened.forEach((key, flight) -> {
                CompletableFuture<Void> released = store.releaseSignal(key);
                String token = UUID.randomUUID().toString();
                answers.add(store.tryLock(key, token, options.lease()).handle((locked, error) -> {
                    if (error != null) {
                        released.cancel(false);
                        events.event(CacheEvent.Kind.FAIL_OPEN, key, BackendCalls.unwrap(error));
                        unlocked.add(key);
                    } else if (locked) {
                        released.cancel(false);
                        held.put(key, token);
                    } else {
                        new Leader<>(key, alone(key), options, flight, start, deadline, backendDeadline(start), flight.result)
                                .awaitRelease(released);
                    }
                    return null;
                }));
            });
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((done, error) -> readHeld());
        }

        /** Reads the locked keys again: another holder may have stored them just before this call took the lock. */
        private void readHeld() {
            if (held.isEmpty()) {
                loadMissing(Set.of());
                return;
            }
            List<String> locked = keys.stream().filter(held::containsKey).toList();
            store.readAll(locked, options.type()).whenComplete((stored, error) -> {
                Map<String, Object> now = error == null ? stored : Map.of();
                for (String key : locked) {
                    if (now.containsKey(key)) {
                        Object value = now.get(key);
                        String token = held.remove(key);
                        unlock(key, token).whenComplete((ignored, unlockError) -> settle(key, value, null));
                    }
                }
                loadMissing(held.keySet());
            });
        }

        /** Loads the keys this call holds and those it could not lock, stores what it may, settles their flights. */
        private void loadMissing(Set<String> locked) {
            Set<String> wanted = new LinkedHashSet<>();
            for (String key : keys) {
                if (locked.contains(key) || unlocked.contains(key)) {
                    if (opened.get(key).claim()) {
                        wanted.add(key);
                    } else { // a caller that joined this key's flight waited all it may and produces it
                        unlock(key, held.remove(key));
                    }
                }
            }
            if (wanted.isEmpty()) {
                return;
            }
            load(loader, wanted).whenComplete((loaded, error) -> {
                if (error != null) {
                    Throwable cause = BackendCalls.unwrap(error);
                    wanted.forEach(key -> unlock(key, held.get(key)).whenComplete((ignored, unlockError) -> settle(key, null, cause)));
                    return;
                }
                store(wanted, loaded);
            });
        }

        /** One multi-write of the values, one of the nulls when they have a TTL of their own; then unlock and settle. */
        private void store(Set<String> wanted, Map<String, T> loaded) {
            Map<String, Object> values = new LinkedHashMap<>();
            Map<String, Object> nulls = new LinkedHashMap<>();
            Throwable failure = null;
            for (String key : wanted) {
                T value = loaded.get(key);
                try {
                    if (!options.skips(value)) {
                        (value == null && options.nullTtl() != null ? nulls : values).put(key, value);
                    }
                } catch (RuntimeException | Error e) {
                    failure = e; // a failing skipCacheIf predicate fails the call
                    break;
                }
            }
            if (failure != null) {
                Throwable cause = failure;
                wanted.forEach(key -> unlock(key, held.get(key)).whenComplete((ignored, unlockError) -> settle(key, null, cause)));
                return;
            }
            CompletableFuture<Boolean> storedValues = storeLogged(values, options.ttl());
            CompletableFuture<Boolean> storedNulls = storeLogged(nulls, options.nullTtl());
            storedValues.runAfterBoth(storedNulls, () -> wanted.forEach(key ->
                    unlock(key, held.get(key)).whenComplete((ignored, unlockError) -> settle(key, loaded.get(key), null))));
        }

        private CompletableFuture<Boolean> storeLogged(Map<String, Object> values, Duration ttl) {
            return store.storeAll(values, ttl).exceptionally(error -> {
                LOG.warn("Cache '{}': storing {} loaded values failed; returning them unstored: {}", store.name(),
                        values.size(), BackendCalls.unwrap(error).toString());
                return false;
            });
        }

        private CompletableFuture<Boolean> unlock(String key, String token) {
            if (token == null) {
                return CompletableFuture.completedFuture(false);
            }
            return store.unlock(key, token).exceptionally(error -> {
                LOG.warn("Cache '{}': releasing the lock of key '{}' failed; it expires with its lease: {}",
                        store.name(), KeyText.of(key), BackendCalls.unwrap(error).toString());
                return false;
            });
        }

        /** Completes the flight this call opened for {@code key}, off the map first (as {@link Leader#finish} does). */
        private void settle(String key, Object value, Throwable error) {
            Flight flight = opened.get(key);
            flights.remove(key, flight);
            BackendCalls.complete(flight.result, value, error);
        }

        @SuppressWarnings("unchecked")
        private void finish() {
            Map<String, T> values = new LinkedHashMap<>();
            for (Map.Entry<String, CompletableFuture<Object>> entry : outcomes.entrySet()) {
                CompletableFuture<Object> outcome = entry.getValue();
                if (outcome.isCompletedExceptionally()) {
                    outcome.whenComplete((ignored, error) -> result.completeExceptionally(BackendCalls.unwrap(error)));
                    return;
                }
                values.put(entry.getKey(), (T) outcome.join());
            }
            result.complete(values);
        }
    }

    /** Runs a producer, turning what it throws or a null stage into a failed future. */
    private static <T> CompletableFuture<T> invoke(Supplier<? extends CompletionStage<T>> producer, String key) {
        try {
            CompletionStage<T> stage = producer.get();
            return stage == null
                    ? CompletableFuture.failedFuture(new NullPointerException("producer of key '" + KeyText.of(key)
                            + "' returned null instead of a CompletionStage"))
                    : stage.toCompletableFuture();
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Opens the key's flight and lets its leader {@code begin}: read ({@link Leader#attempt}), take
     * the lock after the caller's own read missed ({@link Leader#lock}), or fail open after it
     * failed; or joins the flight under way.
     */
    private <T> CompletableFuture<Object> flight(String key, Supplier<? extends CompletionStage<T>> producer,
            GetOrSetOptions<T> options, long start, long deadline, long backendDeadline, Consumer<Leader<T>> begin) {
        Flight flight = new Flight();
        Flight existing = flights.putIfAbsent(key, flight);
        if (existing != null) {
            return join(existing, key, producer, options, start, deadline);
        }
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        flight.result.whenComplete((value, error) -> BackendCalls.complete(outcome, value, error));
        begin.accept(new Leader<>(key, producer, options, flight, start, deadline, backendDeadline, outcome));
        return outcome;
    }

    /**
     * Waits for another caller's flight: while its leader waits for the lock, up to this caller's
     * {@code deadline}; while its producer runs, up to a lease from the producer's start; once the
     * producer has answered (the leader stores), up to an operation timeout from then, within which
     * the leader returns whatever the backend does (or the deadline, if later). A flight whose
     * producer outlived its lease is left behind: this caller starts a new flight, which may run the
     * producer too. Past its deadline while the leader still waits for the lock, the caller claims
     * the flight and produces it for all its callers (the leader follows); past it with the flight's
     * producer outliving its lease, the caller produces apart.
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
        long wait = Math.max(0, waitUntil(flight, lease, deadline) - System.nanoTime());
        flight.result.copy().orTimeout(wait, TimeUnit.NANOSECONDS).whenComplete((value, error) -> {
            if (error != null && flight.result.isDone()) {
                // the flight has answered, perhaps just as this wait ran out: its answer, never the wait's timeout
                flight.result.whenComplete((answer, failure) -> joined(key, start, answer, failure, outcome));
                return;
            }
            if (error != null) {
                long now = System.nanoTime();
                boolean patient = now - waitUntil(flight, lease, deadline) < 0;
                if (patient) { // the leader started producing, or its producer answered, meanwhile: wait for it
                    awaitFlight(flight, key, producer, options, start, deadline, waitStart, outcome);
                    return;
                }
                events.post(Operation.LOCK_WAIT, key, null, false, waitStart, null);
                events.event(CacheEvent.Kind.LEASE_EXPIRED, key, null);
                if (flight.claim()) {
                    // the leader still waits for the lock, and this caller has waited all it may: it
                    // produces for the whole flight, which the leader then follows
                    flight.result.whenComplete((result, failure) -> BackendCalls.complete(outcome, result, failure));
                    new Leader<>(key, producer, options, flight, start, deadline, backendDeadline(now), outcome).produceUnlocked();
                    return;
                }
                flights.remove(key, flight);
                CompletableFuture<Object> next;
                if (now - deadline >= 0) { // the flight's producer outlived its lease: produce apart from it
                    Flight apart = new Flight();
                    apart.claim();
                    new Leader<>(key, producer, options, apart, start, deadline, backendDeadline(now), apart.result).produceUnlocked();
                    next = apart.result;
                } else {
                    next = flight(key, producer, options, start, deadline, backendDeadline(now), Leader::attempt);
                }
                next.whenComplete((result, nextError) -> BackendCalls.complete(outcome, result, nextError));
                return;
            }
            joined(key, start, value, null, outcome);
        });
    }

    /** Completes a caller that joined a flight with the flight's answer, and reports it. */
    private void joined(String key, long start, Object value, Throwable error, CompletableFuture<Object> outcome) {
        Object result = error == null ? value : null;
        Throwable cause = error == null ? null : BackendCalls.unwrap(error);
        events.post(Operation.GET_OR_SET, key, result, cause == null, start, cause);
        BackendCalls.complete(outcome, result, cause);
    }

    /**
     * Until when a caller waits for {@code flight} as it stands: while the leader waits for the
     * lock, the caller's {@code deadline}; while the producer runs, a lease from its start; once it
     * has answered, an operation timeout from then (the leader's time to store), or the deadline if later.
     */
    private long waitUntil(Flight flight, long lease, long deadline) {
        long producedAt = flight.producedAt;
        if (producedAt != 0) {
            long stored = producedAt + saturatedNanos(store.operationTimeout());
            return stored - deadline > 0 ? stored : deadline;
        }
        long since = flight.producingSince;
        return since != 0 ? since + lease : deadline;
    }

    /** When a caller that starts waiting for the backend at {@code now} has waited for it all it may. */
    private long backendDeadline(long now) {
        return now + saturatedNanos(store.operationTimeout());
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
        /**
         * When this caller has waited for the backend all it may ({@link System#nanoTime()}): the
         * operation timeout, pushed back by each wait for a lock holder and by the producer's run.
         * Read and moved by the leader's steps only, one after the other.
         */
        private long backendDeadline;
        private final Duration lease;
        /** What this caller answers: the flight's result, unless it leaves a flight another caller produces. */
        private final CompletableFuture<Object> outcome;

        Leader(String key, Supplier<? extends CompletionStage<T>> producer, GetOrSetOptions<T> options, Flight flight,
                long start, long deadline, long backendDeadline, CompletableFuture<Object> outcome) {
            this.key = key;
            this.producer = producer;
            this.options = options;
            this.flight = flight;
            this.start = start;
            this.deadline = deadline;
            this.backendDeadline = backendDeadline;
            this.lease = options.lease();
            this.outcome = outcome;
        }

        /**
         * What {@code step} completes with, or a {@link CacheTimeoutException} once this caller has
         * waited for the backend all it may; the step itself goes on. A local backend's steps as they are.
         */
        private <R> CompletableFuture<R> bounded(CompletableFuture<R> step) {
            if (store.local() || step.isDone()) {
                return step;
            }
            CompletableFuture<R> bounded = new CompletableFuture<>();
            step.copy().orTimeout(Math.max(0, backendDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    .whenComplete((value, error) -> {
                        if (error != null && !step.isDone() && BackendCalls.unwrap(error) instanceof TimeoutException) {
                            bounded.completeExceptionally(new CacheTimeoutException("Cache '" + store.name() + "': getOrSet of key '"
                                    + KeyText.of(key) + "' waited for the backend the operation timeout ("
                                    + store.operationTimeout().toMillis() + " ms) in total"));
                        } else {
                            BackendCalls.complete(bounded, value, error);
                        }
                    });
            return bounded;
        }

        /** Read; on a miss, try the lock. */
        void attempt() {
            bounded(store.read(key, options.type())).whenComplete((value, error) -> {
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
            CompletableFuture<Boolean> locking = store.tryLock(key, token, lease);
            bounded(locking).whenComplete((locked, error) -> {
                if (error != null) {
                    released.cancel(false);
                    locking.thenAccept(taken -> { // taken after this caller stopped waiting: not held for anyone
                        if (Boolean.TRUE.equals(taken)) {
                            unlock(token);
                        }
                    });
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
            long waitStart = System.nanoTime();
            released.orTimeout(waitNanos(lease, deadline), TimeUnit.NANOSECONDS).whenComplete((ignored, error) -> {
                backendDeadline += System.nanoTime() - waitStart; // waiting for the holder, not for the backend
                events.post(Operation.LOCK_WAIT, key, null, false, waitStart, null);
                if (error != null) {
                    released.cancel(false);
                    events.event(CacheEvent.Kind.LEASE_EXPIRED, key, null);
                }
                if (flight.producingSince != 0) { // a caller that joined waited all it may and produces the flight
                    follow();
                } else if (System.nanoTime() - deadline >= 0) {
                    waitedLongEnough();
                } else {
                    attempt();
                }
            });
        }

        /**
         * This caller has waited its lease and the operation timeout for others: whatever holds the
         * lock, the flight is produced now, by this caller unless one that joined it got there first.
         */
        private void waitedLongEnough() {
            if (flight.claim()) {
                produceUnlocked();
            } else {
                follow();
            }
        }

        /**
         * Having claimed the flight past the lock: read once more (the holder may have stored just
         * now), else produce and store the value without the lock.
         */
        void produceUnlocked() {
            LOG.warn("Cache '{}': key '{}' stayed locked past the lease plus the operation timeout; producing without "
                    + "the lock", store.name(), KeyText.of(key));
            bounded(store.read(key, options.type())).whenComplete((value, error) -> {
                if (error == null && value != BackendCalls.MISS) {
                    finish(value, true, null);
                } else {
                    produceAndStore(null);
                }
            });
        }

        /** Holding the lock: read again (another holder may have just stored), else produce. */
        private void produceHolding(String token) {
            bounded(store.read(key, options.type())).whenComplete((value, error) -> {
                if (error == null && value != BackendCalls.MISS) {
                    bounded(unlock(token)).whenComplete((ignored, unlockError) -> finish(value, true, null));
                } else if (flight.claim()) {
                    produceAndStore(token);
                } else { // a caller that joined waited all it may and produces the flight: the lock is not needed
                    unlock(token);
                    follow();
                }
            });
        }

        /**
         * Another caller of the flight produces it: this caller waits for it as any caller that joined
         * does (a lease from the producer's start at most, then on its own).
         */
        private void follow() {
            awaitFlight(flight, key, producer, options, start, deadline, events.none() ? 0 : System.nanoTime(), outcome);
        }

        /**
         * Runs the producer, stores its value unless it is skipped, releases the lock if {@code token}
         * holds one; returns the value once that is done or this caller is out of time for the backend.
         */
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
                    bounded(unlock(token)).whenComplete((ignored, unlockError) -> finish(null, false, failed));
                } else if (skip) {
                    bounded(unlock(token)).whenComplete((ignored, unlockError) -> finish(produced, false, null));
                } else {
                    CompletableFuture<Boolean> storedAndReleased = store.store(key, produced, ttlFor(produced, options))
                            .handle((stored, storeError) -> {
                                if (storeError != null) {
                                    LOG.warn("Cache '{}': storing the produced value of key '{}' failed; returning it unstored: {}",
                                            store.name(), KeyText.of(key), BackendCalls.unwrap(storeError).toString());
                                }
                                return null;
                            })
                            .thenCompose(ignored -> unlock(token));
                    bounded(storedAndReleased).whenComplete((ignored, cut) -> {
                        if (cut != null) {
                            LOG.debug("Cache '{}': returning the produced value of key '{}' before its store completes: {}",
                                    store.name(), KeyText.of(key), cut.toString());
                        }
                        finish(produced, false, null);
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
            if (!flight.claim()) { // a caller that joined waited all it may and produces the flight
                follow();
                return;
            }
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
            long produceStart = System.nanoTime();
            flight.producingSince = produceStart | 1; // claimed already: the lease counts from the producer's start
            events.pre(Operation.PRODUCE, key);
            CompletableFuture<T> produced = store.local() ? invokeProducer()
                    : CompletableFuture.supplyAsync(this::invokeProducer, ForkJoinPool.commonPool()).thenCompose(stage -> stage);
            return produced.whenComplete((value, error) -> {
                long producedAt = System.nanoTime();
                backendDeadline += producedAt - produceStart; // the producer's time is not the backend's
                flight.producedAt = producedAt | 1; // never 0
                events.post(Operation.PRODUCE, key, value, false, produceStart, error == null ? null : BackendCalls.unwrap(error));
            });
        }

        private CompletableFuture<T> invokeProducer() {
            return invoke(producer, key);
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
