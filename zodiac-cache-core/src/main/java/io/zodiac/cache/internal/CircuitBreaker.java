package io.zodiac.cache.internal;

import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.CircuitBreakerPolicy;
import io.zodiac.cache.plugin.CacheEvent;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a failing or slow backend from adding its timeout to every call, as its
 * {@link CircuitBreakerPolicy} says. Closed: calls pass, and the outcome of each (failed, slow)
 * goes into a window of the last {@code window} calls; once it holds {@code minimumCalls} and the
 * failed or the slow share reaches its threshold, it opens: calls fail at once. After the open
 * duration it lets a single probe through (half-open): a quick success closes it with an empty
 * window, a failure or a slow answer opens it again.
 *
 * <p>Recording takes the breaker's monitor: a remote call costs tens of microseconds, recording
 * tens of nanoseconds.
 */
final class CircuitBreaker {

    enum State { CLOSED, OPEN, HALF_OPEN }

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);
    private static final byte FAILED = 1;
    private static final byte SLOW = 2;

    private final String cache;
    private final CircuitBreakerPolicy policy;
    private final long slowNanos;
    private final long openNanos;
    private final Events events;

    private volatile State state = State.CLOSED;
    /** The outcomes of the last calls, a ring: {@link #FAILED} and {@link #SLOW} bits. */
    private final byte[] outcomes;
    private int next;
    private int recorded;
    private int failed;
    private int slow;
    private long openedAt;
    private Throwable lastError;

    CircuitBreaker(String cache, CircuitBreakerPolicy policy, Duration operationTimeout, Events events) {
        this.cache = cache;
        this.policy = policy;
        this.slowNanos = policy.slowCallFor(operationTimeout).toNanos();
        this.openNanos = policy.openFor().toNanos();
        this.events = events;
        this.outcomes = new byte[policy.window()];
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

    /** A call that the backend answered after {@code nanos}. */
    void onSuccess(long nanos) {
        record(nanos >= slowNanos ? SLOW : 0, null);
    }

    /** A call that failed with a backend error or a timeout after {@code nanos}. */
    void onFailure(Throwable error, long nanos) {
        record((byte) (FAILED | (nanos >= slowNanos ? SLOW : 0)), error);
    }

    private synchronized void record(byte outcome, Throwable error) {
        if (error != null) {
            lastError = error;
        }
        switch (state) {
            case HALF_OPEN -> {
                if (outcome == 0) {
                    close();
                } else {
                    open(outcome == SLOW ? "the probe answered slowly" : "the probe failed");
                }
            }
            case CLOSED -> {
                if (recorded == outcomes.length) {
                    forget(outcomes[next]);
                } else {
                    recorded++;
                }
                outcomes[next] = outcome;
                next = (next + 1) % outcomes.length;
                failed += outcome & FAILED;
                slow += (outcome & SLOW) >> 1;
                if (recorded >= policy.minimumCalls()) {
                    if (failed * 100 >= policy.failureRate() * recorded) {
                        open(failed + " of the last " + recorded + " calls failed");
                    } else if (slow * 100 >= policy.slowCallRate() * recorded) {
                        open(slow + " of the last " + recorded + " calls took " + slowNanos / 1_000_000 + " ms or more");
                    }
                }
            }
            case OPEN -> {
                // a call let through before the breaker opened, answering now: the window restarts when it closes
            }
        }
    }

    private void forget(byte outcome) {
        failed -= outcome & FAILED;
        slow -= (outcome & SLOW) >> 1;
    }

    private void open(String why) {
        state = State.OPEN;
        openedAt = System.nanoTime();
        LOG.warn("Cache '{}': circuit opened, {}; calls skip the backend for {} ms{}", cache, why, openNanos / 1_000_000,
                lastError == null ? "" : "; last error: " + lastError);
        events.event(CacheEvent.Kind.CIRCUIT_OPENED, null, lastError);
    }

    private void close() {
        state = State.CLOSED;
        next = 0;
        recorded = 0;
        failed = 0;
        slow = 0;
        LOG.info("Cache '{}': backend is back, circuit closed", cache);
        events.event(CacheEvent.Kind.CIRCUIT_CLOSED, null, null);
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
