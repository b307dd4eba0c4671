package io.zodiac.cache.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.zodiac.cache.ZodiacCacheException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lock releases of one cache, heard on its pub/sub connection and handed to the waiters of this
 * JVM. The backend subscribes once to the namespace's release channel (the unlock script publishes
 * the released key there); each waiter registers a future for its key, completed by the next
 * release message of that key.
 *
 * <p>The channel is a classic {@code SUBSCRIBE} channel, not a sharded one: in a Redis Cluster a
 * {@code PUBLISH} reaches the subscribers of every node, so one subscription on any node hears the
 * releases of every slot, and the unlock script may publish from whichever node owns the lock's
 * slot. ({@code SPUBLISH} would have to go to the slot of the channel, which is not the lock's.)
 *
 * <p>When the pub/sub connection drops, waiters are bounded by their lease. Lettuce resubscribes
 * on reconnect; since releases published meanwhile were lost, every waiter is woken then to look
 * again.
 */
final class ReleaseSignals extends RedisPubSubAdapter<String, String> {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseSignals.class);

    private final String channel;
    /** Waiters by key; each set is only touched inside the map's atomic operations on its key. */
    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    /** Confirmations of the subscription: the first is the initial one, later ones follow reconnects. */
    private final AtomicInteger confirmations = new AtomicInteger();

    private ReleaseSignals(String channel) {
        this.channel = channel;
    }

    /**
     * Subscribes to {@code channel} on {@code connection} and returns once Redis confirmed the
     * subscription, so that no release published after this returns is missed.
     *
     * @throws ZodiacCacheException when the subscription is not confirmed in time
     */
    static ReleaseSignals subscribe(StatefulRedisPubSubConnection<String, String> connection, String channel,
            Duration timeout) {
        ReleaseSignals signals = new ReleaseSignals(channel);
        connection.addListener(signals);
        try {
            connection.async().subscribe(channel).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new ZodiacCacheException("subscribing to " + channel + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new ZodiacCacheException("subscribing to " + channel + " timed out after "
                    + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ZodiacCacheException("interrupted while subscribing to " + channel, e);
        }
        return signals;
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

    /** The number of keys with waiters (for tests). */
    int waitingKeys() {
        return waiters.size();
    }

    @Override
    public void message(String channel, String key) {
        if (this.channel.equals(channel)) {
            release(key);
        }
    }

    @Override
    public void subscribed(String channel, long count) {
        if (this.channel.equals(channel) && confirmations.incrementAndGet() > 1) {
            LOG.info("Resubscribed to {} after a reconnect; waking the lock waiters to look again", channel);
            releaseAll();
        }
    }
}
