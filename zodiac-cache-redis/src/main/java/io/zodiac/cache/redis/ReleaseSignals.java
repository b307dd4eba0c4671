package io.zodiac.cache.redis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lock releases of one namespace, handed to the waiters of this JVM. {@link ReleaseChannels}
 * passes on each message of the namespace's release channel (the unlock script publishes the
 * released key there); each waiter registers a future for its key, completed by the next release
 * message of that key.
 *
 * <p>Until the pub/sub connection is made, and while it is down, waiters are bounded by their
 * lease. Each confirmation of the subscription (the first one, and Lettuce's resubscription after
 * a reconnect) wakes every waiter to look again, since releases published meanwhile were lost.
 */
final class ReleaseSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseSignals.class);

    private final String channel;
    /** Waiters by key; each set is only touched inside the map's atomic operations on its key. */
    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    /** Confirmations of the subscription: the first is the initial one, later ones follow reconnects. */
    private final AtomicInteger confirmations = new AtomicInteger();

    ReleaseSignals(String channel) {
        this.channel = channel;
    }

    /** The channel whose messages are the released keys. */
    String channel() {
        return channel;
    }

    /** A future completed at the next release of {@code key}; cancelling it affects no other waiter. */
    CompletableFuture<Void> next(String key) {
        CompletableFuture<Void> signal = new CompletableFuture<>();
        waiters.compute(key, (k, set) -> {
            Set<CompletableFuture<Void>> registered = set != null ? set : new HashSet<>();
            registered.add(signal);
            return registered;
        });
        signal.whenComplete((ignored, error) -> forget(key, signal));
        return signal;
    }

    private void forget(String key, CompletableFuture<Void> signal) {
        waiters.computeIfPresent(key, (k, set) -> {
            set.remove(signal);
            return set.isEmpty() ? null : set;
        });
    }

    /** Wakes the waiters of {@code key}. */
    void release(String key) {
        Set<CompletableFuture<Void>> released = waiters.remove(key);
        if (released != null) {
            released.forEach(signal -> signal.complete(null));
        }
    }

    /** Wakes every waiter (they look again and, if the lock is still held, wait anew). */
    void releaseAll() {
        List<String> keys = new ArrayList<>(waiters.keySet());
        keys.forEach(this::release);
    }

    /**
     * Redis confirmed the subscription to the channel: when it was first made, and again after each
     * reconnect. Every waiter is woken each time: releases published before the subscription took
     * effect (while the connection was being made, or down) were not heard.
     */
    void subscribed() {
        if (confirmations.incrementAndGet() > 1) {
            LOG.info("Resubscribed to {} after a reconnect; waking the lock waiters to look again", channel);
        }
        releaseAll();
    }

    /** {@code true} once Redis confirmed the subscription (for tests). */
    boolean confirmed() {
        return confirmations.get() > 0;
    }

    /** The number of keys with waiters (for tests). */
    int waitingKeys() {
        return waiters.size();
    }
}
