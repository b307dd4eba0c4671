package io.zodiac.cache.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process leased locks keyed by string, with release signals: the lock of a backend whose
 * data lives in this JVM alone. A lock is held by a token until it is released by that token or
 * its lease runs out; only the holder's token releases it.
 */
public final class LeaseLocks {

    private record Lease(String token, long deadlineNanos) {
        boolean expired(long now) {
            return now - deadlineNanos >= 0;
        }
    }

    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Void>> releases = new ConcurrentHashMap<>();

    /** Takes the lock of {@code key} for {@code token} if it is free or its lease ran out. */
    public boolean tryLock(String key, String token, Duration lease) {
        Objects.requireNonNull(token, "token");
        long now = System.nanoTime();
        Lease mine = new Lease(token, now + lease.toNanos());
        Lease holder = leases.compute(key, (k, current) -> current == null || current.expired(now) ? mine : current);
        return holder == mine;
    }

    /** Releases the lock if {@code token} holds it, and wakes the waiters; {@code true} when released. */
    public boolean unlock(String key, String token) {
        boolean[] released = {false};
        leases.computeIfPresent(key, (k, current) -> {
            if (current.token().equals(token)) {
                released[0] = true;
                return null;
            }
            return current;
        });
        if (released[0]) {
            CompletableFuture<Void> signal = releases.remove(key);
            if (signal != null) {
                signal.complete(null);
            }
        }
        return released[0];
    }

    /**
     * A future completed at the next release of {@code key}. Each caller gets its own future:
     * cancelling it affects nobody else.
     */
    public CompletableFuture<Void> releaseSignal(String key) {
        return releases.computeIfAbsent(key, k -> new CompletableFuture<>()).thenApply(ignored -> null);
    }

    /** {@code true} when a live lease holds the lock of {@code key}. */
    public boolean isLocked(String key) {
        Lease lease = leases.get(key);
        return lease != null && !lease.expired(System.nanoTime());
    }

    /** Drops every lock and wakes every waiter. */
    public void clear() {
        leases.clear();
        releases.values().forEach(signal -> signal.complete(null));
        releases.clear();
    }
}
