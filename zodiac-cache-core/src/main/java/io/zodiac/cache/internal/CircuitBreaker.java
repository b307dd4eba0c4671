package io.zodiac.cache.internal;

import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.plugin.CacheEvent;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a failing backend from adding its timeout to every call. Closed: calls pass, consecutive
 * failures are counted. After {@code threshold} of them it opens: calls fail at once. After the
 * open duration it lets a single probe through (half-open): success closes it, failure opens it
 * again for another period.
 */
final class CircuitBreaker {

    enum State { CLOSED, OPEN, HALF_OPEN }

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    private final String cache;
    private final int threshold;
    private final long openNanos;
    private final Events events;

    private volatile State state = State.CLOSED;
    private int failures;
    private long openedAt;
    private Throwable lastError;

    CircuitBreaker(String cache, int threshold, Duration openFor, Events events) {
        this.cache = cache;
        this.threshold = threshold;
        this.openNanos = openFor.toNanos();
        this.events = events;
    }

    /** {@code true} when the call may go to the backend; in half-open state only the probe may. */
    boolean allowRequest() {
        if (state == State.CLOSED) {
            return true;
        }
        synchronized (this) {
            if (state == State.OPEN && System.nanoTime() - openedAt >= openNanos) {
                state = State.HALF_OPEN;
                LOG.info("Cache '{}': circuit half-open, probing the backend", cache);
                events.event(CacheEvent.Kind.CIRCUIT_HALF_OPEN, null, null);
                return true;
            }
            return state == State.CLOSED;
        }
    }

    void onSuccess() {
        if (state == State.CLOSED) {
            if (failures != 0) {
                synchronized (this) {
                    failures = 0;
                }
            }
            return;
        }
        synchronized (this) {
            if (state != State.CLOSED) {
                state = State.CLOSED;
                failures = 0;
                LOG.info("Cache '{}': backend is back, circuit closed", cache);
                events.event(CacheEvent.Kind.CIRCUIT_CLOSED, null, null);
            }
        }
    }

    void onFailure(Throwable error) {
        synchronized (this) {
            lastError = error;
            if (state == State.HALF_OPEN || (state == State.CLOSED && ++failures >= threshold)) {
                state = State.OPEN;
                openedAt = System.nanoTime();
                LOG.warn("Cache '{}': circuit opened after {} backend failure(s); calls skip the backend for {} ms: {}",
                        cache, Math.max(failures, 1), openNanos / 1_000_000, error.toString());
                events.event(CacheEvent.Kind.CIRCUIT_OPENED, null, error);
            }
        }
    }

    State state() {
        return state;
    }

    CacheUnavailableException openError() {
        Throwable cause;
        synchronized (this) {
            cause = lastError;
        }
        return new CacheUnavailableException("Cache '" + cache + "' backend is unavailable (circuit open); last error: "
                + cause, cause);
    }
}
