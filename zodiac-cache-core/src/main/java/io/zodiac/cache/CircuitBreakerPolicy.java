package io.zodiac.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * When a cache stops calling a failing or slow backend, on the model of Resilience4j's count-based
 * circuit breaker: the outcomes of the last {@link #window() window} calls are kept; once at least
 * {@link #minimumCalls() minimumCalls} are in the window and the share of failed calls reaches
 * {@link #failureRate() failureRate} percent, or the share of calls slower than
 * {@link #slowCall() slowCall} reaches {@link #slowCallRate() slowCallRate} percent, the breaker
 * opens: calls fail at once with {@link CacheUnavailableException} ({@code getOrSet} and
 * {@code @Cached} then run the producer) for {@link #openFor() openFor}, after which one probe call
 * decides: a quick success closes it, anything else opens it again.
 *
 * <p>Only failures of the backend count (errors, timeouts); an argument the cache refuses, a value
 * that cannot be decoded or incremented, or a closed cache never does. A local backend (in memory)
 * has no breaker.
 *
 * <pre>{@code
 * CacheConfig.builder().backend("redis")
 *         .circuitBreaker(CircuitBreakerPolicy.defaults().failureRate(25).openFor(Duration.ofSeconds(10)))
 *         .build();
 * }</pre>
 *
 * <p>Immutable; each {@code with}-style method returns a copy.
 */
public final class CircuitBreakerPolicy {

    private static final CircuitBreakerPolicy DEFAULTS = new CircuitBreakerPolicy(10, 5, 50, 50, null, Duration.ofSeconds(1));

    private final int window;
    private final int minimumCalls;
    private final int failureRate;
    private final int slowCallRate;
    private final Duration slowCall;
    private final Duration openFor;

    private CircuitBreakerPolicy(int window, int minimumCalls, int failureRate, int slowCallRate, Duration slowCall,
            Duration openFor) {
        this.window = window;
        this.minimumCalls = minimumCalls;
        this.failureRate = failureRate;
        this.slowCallRate = slowCallRate;
        this.slowCall = slowCall;
        this.openFor = openFor;
    }

    /**
     * The last 10 calls, judged once 5 are in: half of them failed, or half of them slower than
     * half the operation timeout, opens the breaker for 1 s. A dead backend is cut off after 5
     * calls; one failing every other call, or answering just under the timeout, is cut off too.
     * One second open keeps a dead backend's timeouts away and finds a returning one within a
     * second (a probe per second costs nothing).
     */
    public static CircuitBreakerPolicy defaults() {
        return DEFAULTS;
    }

    /** The number of most recent calls whose outcomes are kept (at least 1). */
    public CircuitBreakerPolicy window(int calls) {
        if (calls < 1) {
            throw new IllegalArgumentException("circuitBreaker window must be at least 1 call, got " + calls);
        }
        return new CircuitBreakerPolicy(calls, Math.min(minimumCalls, calls), failureRate, slowCallRate, slowCall, openFor);
    }

    /** The number of calls the window must hold before the rates are judged (1 to the window's size). */
    public CircuitBreakerPolicy minimumCalls(int calls) {
        if (calls < 1 || calls > window) {
            throw new IllegalArgumentException("circuitBreaker minimumCalls must be between 1 and the window (" + window
                    + "), got " + calls);
        }
        return new CircuitBreakerPolicy(window, calls, failureRate, slowCallRate, slowCall, openFor);
    }

    /** The percentage of failed calls in the window that opens the breaker (1 to 100). */
    public CircuitBreakerPolicy failureRate(int percent) {
        return new CircuitBreakerPolicy(window, minimumCalls, percent("failureRate", percent), slowCallRate, slowCall, openFor);
    }

    /** The percentage of slow calls in the window that opens the breaker (1 to 100). */
    public CircuitBreakerPolicy slowCallRate(int percent) {
        return new CircuitBreakerPolicy(window, minimumCalls, failureRate, percent("slowCallRate", percent), slowCall, openFor);
    }

    /** A call that takes this long or longer is slow; {@code null} means half the operation timeout. */
    public CircuitBreakerPolicy slowCall(Duration threshold) {
        if (threshold != null && (threshold.isZero() || threshold.isNegative())) {
            throw new IllegalArgumentException("circuitBreaker slowCall must be positive, got " + threshold);
        }
        return new CircuitBreakerPolicy(window, minimumCalls, failureRate, slowCallRate, threshold, openFor);
    }

    /** How long an open breaker keeps the backend out before a probe (positive). */
    public CircuitBreakerPolicy openFor(Duration duration) {
        if (duration == null || duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("circuitBreaker openFor must be positive, got " + duration);
        }
        return new CircuitBreakerPolicy(window, minimumCalls, failureRate, slowCallRate, slowCall, duration);
    }

    private static int percent(String setting, int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("circuitBreaker " + setting + " must be a percentage from 1 to 100, got " + percent);
        }
        return percent;
    }

    /** The number of most recent calls judged. */
    public int window() {
        return window;
    }

    /** The calls the window holds before the rates are judged. */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** The failure percentage that opens the breaker. */
    public int failureRate() {
        return failureRate;
    }

    /** The slow-call percentage that opens the breaker. */
    public int slowCallRate() {
        return slowCallRate;
    }

    /** The duration from which a call is slow; {@code null} for half the operation timeout. */
    public Duration slowCall() {
        return slowCall;
    }

    /** The duration from which a call is slow, for a cache with {@code operationTimeout}. */
    public Duration slowCallFor(Duration operationTimeout) {
        return slowCall != null ? slowCall : operationTimeout.dividedBy(2);
    }

    /** How long an open breaker keeps the backend out. */
    public Duration openFor() {
        return openFor;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CircuitBreakerPolicy p && window == p.window && minimumCalls == p.minimumCalls
                && failureRate == p.failureRate && slowCallRate == p.slowCallRate && Objects.equals(slowCall, p.slowCall)
                && openFor.equals(p.openFor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(window, minimumCalls, failureRate, slowCallRate, slowCall, openFor);
    }

    @Override
    public String toString() {
        return "CircuitBreakerPolicy[window=" + window + ", minimumCalls=" + minimumCalls + ", failureRate=" + failureRate
                + "%, slowCallRate=" + slowCallRate + "%, slowCall=" + (slowCall == null ? "half the operation timeout" : slowCall)
                + ", openFor=" + openFor + "]";
    }
}
