package io.zodiac.cache.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one cache: counters and gauges registered at once, operation timers on first
 * use, all kept so that recording touches no registry.
 */
final class CacheMeters {

    private static final Operation[] OPERATIONS = Operation.values();

    /** The circuit breaker's states, as the {@code state} tag of {@code cache.circuit.state}. */
    enum CircuitState {
        CLOSED, OPEN, HALF_OPEN;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter hits;
    private final Counter misses;
    private final Counter puts;
    private final Counter evictions;
    private final Counter producerSuccesses;
    private final Counter producerFailures;
    private final Timer lockWait;
    private final Counter leaseExpired;
    private final Counter failOpen;
    private final Counter decodeFailures;
    private final Counter nearHits;
    private final Counter nearMisses;
    private final Counter nearInvalidations;
    private final Timer nearInvalidationLag;
    /** The timer of each operation's successes, by ordinal; created on first use. */
    private final AtomicReferenceArray<Timer> succeeded = new AtomicReferenceArray<>(OPERATIONS.length);
    /** The timers of failures, by operation and exception class; failures are off the hot path. */
    private final Map<String, Timer> failed = new ConcurrentHashMap<>();
    private volatile CircuitState circuit = CircuitState.CLOSED;
    /** The cache whose size {@code cache.size} reads, once one that can tell was registered. */
    private final AtomicReference<ZodiacCache> sized = new AtomicReference<>();

    CacheMeters(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        String gets = "The number of times cache lookup methods have returned a cached (hit) or uncached (miss) value.";
        this.hits = counter("cache.gets", gets, Tags.of("result", "hit"));
        this.misses = counter("cache.gets", gets, Tags.of("result", "miss"));
        this.puts = counter("cache.puts", "The number of entries added to the cache.", Tags.empty());
        this.evictions = counter("cache.evictions", "The number of entries evicted for size.", Tags.empty());
        this.producerSuccesses = counter("cache.producer.runs", "Runs of a getOrSet producer.", Tags.of("result", "success"));
        this.producerFailures = counter("cache.producer.runs", "Runs of a getOrSet producer.", Tags.of("result", "failure"));
        this.lockWait = Timer.builder("cache.lock.wait")
                .description("Waits for another caller's producer to release a key's lock.")
                .tags(tags)
                .register(registry);
        this.leaseExpired = counter("cache.lock.lease.expired",
                "Waits that ended because the producer outlived its lease.", Tags.empty());
        this.failOpen = counter("cache.fail.open",
                "getOrSet calls that ran the producer without the cache because the backend failed.", Tags.empty());
        this.decodeFailures = counter("cache.decode.failures",
                "Stored values that could not be decoded and were read as misses.", Tags.empty());
        String nearGets = "Reads of a near-cached cache answered from the local copy (hit) or from the server (miss).";
        this.nearHits = counter("cache.near.gets", nearGets, Tags.of("result", "hit"));
        this.nearMisses = counter("cache.near.gets", nearGets, Tags.of("result", "miss"));
        this.nearInvalidations = counter("cache.near.invalidations",
                "Local copies of the near cache dropped by the server: one per key, one per drop of every copy.", Tags.empty());
        this.nearInvalidationLag = Timer.builder("cache.near.invalidation.lag")
                .description("From the start of a write through this cache to a key it held locally to the drop of the local "
                        + "copy by the server's invalidation (the path every client's change takes).")
                .tags(tags)
                .register(registry);
        for (CircuitState state : CircuitState.values()) {
            Gauge.builder("cache.circuit.state", this, meters -> meters.circuit == state ? 1 : 0)
                    .description("1 for the current state of the cache's circuit breaker, 0 for the others.")
                    .tags(tags)
                    .tag("state", state.tag())
                    .register(registry);
        }
    }

    /**
     * Registers {@code cache.size} for {@code cache} when its backend can tell its size; a cache set
     * up again under the same name takes the gauge over.
     */
    void sizeOf(ZodiacCache cache) {
        if (cache.estimatedSize().isEmpty() || sized.getAndSet(cache) != null) {
            return;
        }
        Gauge.builder("cache.size", sized, current -> current.get().estimatedSize().orElse(0))
                .description("The number of entries in this cache. This may be an approximation, depending on the type of cache.")
                .tags(tags)
                .register(registry);
    }

    private Counter counter(String name, String description, Tags extra) {
        return Counter.builder(name).description(description).tags(tags).tags(extra).register(registry);
    }

    void record(OperationEvent event) {
        Operation operation = event.operation();
        Throwable error = event.error();
        if (operation == Operation.LOCK_WAIT) {
            lockWait.record(event.elapsedNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        timer(operation, error).record(event.elapsedNanos(), TimeUnit.NANOSECONDS);
        switch (operation) {
            case GET, GET_OR_SET -> {
                if (error == null) {
                    (event.hit() ? hits : misses).increment();
                }
            }
            case SET, ADD -> {
                if (error == null && Boolean.TRUE.equals(event.result())) {
                    puts.increment();
                }
            }
            case PRODUCE -> (error == null ? producerSuccesses : producerFailures).increment();
            default -> {
                // timed only
            }
        }
    }

    void record(CacheEvent event) {
        switch (event.kind()) {
            case EVICTION -> evictions.increment();
            case LEASE_EXPIRED -> leaseExpired.increment();
            case FAIL_OPEN -> failOpen.increment();
            case DECODE_FAILURE -> decodeFailures.increment();
            case CIRCUIT_OPENED -> circuit = CircuitState.OPEN;
            case CIRCUIT_HALF_OPEN -> circuit = CircuitState.HALF_OPEN;
            case CIRCUIT_CLOSED -> circuit = CircuitState.CLOSED;
            case NEAR_HIT -> nearHits.increment();
            case NEAR_MISS -> nearMisses.increment();
            case NEAR_INVALIDATION -> {
                nearInvalidations.increment();
                if (event.elapsed() != null) {
                    nearInvalidationLag.record(event.elapsed());
                }
            }
        }
    }

    private Timer timer(Operation operation, Throwable error) {
        if (error == null) {
            Timer timer = succeeded.get(operation.ordinal());
            if (timer == null) {
                timer = operationTimer(operation, "none");
                succeeded.set(operation.ordinal(), timer);
            }
            return timer;
        }
        String exception = exceptionTag(error);
        return failed.computeIfAbsent(operation.name() + '/' + exception, key -> operationTimer(operation, exception));
    }

    /** Registering twice is harmless: the registry hands back the meter it has. */
    private Timer operationTimer(Operation operation, String exception) {
        return Timer.builder("cache.operation")
                .description("The time cache operations take, getOrSet's own steps included.")
                .tags(tags)
                .tag("operation", operation.name().toLowerCase(Locale.ROOT))
                .tag("exception", exception)
                .register(registry);
    }

    private static String exceptionTag(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String simpleName = cause.getClass().getSimpleName();
        return simpleName.isEmpty() ? cause.getClass().getName() : simpleName;
    }
}
