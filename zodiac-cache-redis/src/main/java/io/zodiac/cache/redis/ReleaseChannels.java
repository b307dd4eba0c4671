package io.zodiac.cache.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.zodiac.cache.ZodiacCacheException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The release channels subscribed on one pub/sub connection, one per namespace of the caches that
 * share the connection, each with its {@link ReleaseSignals}. Messages are dispatched by channel;
 * a channel is subscribed while at least one cache uses it.
 *
 * <p>The channels are classic {@code SUBSCRIBE} channels, not sharded ones: in a Redis Cluster a
 * {@code PUBLISH} reaches the subscribers of every node, so one subscription on any node hears the
 * releases of every slot, and the unlock script may publish from whichever node owns the lock's
 * slot. ({@code SPUBLISH} would have to go to the slot of the channel, which is not the lock's.)
 *
 * <p>{@link #subscribe} and {@link #unsubscribe} are called under the lock of {@link RedisEndpoints};
 * the listener methods run on Lettuce's I/O thread.
 */
final class ReleaseChannels extends RedisPubSubAdapter<String, String> {

    /** The signals of a channel and the number of caches using it. */
    private static final class Subscription {
        final ReleaseSignals signals;
        int users;

        Subscription(ReleaseSignals signals) {
            this.signals = signals;
        }
    }

    private final StatefulRedisPubSubConnection<String, String> connection;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

    ReleaseChannels(StatefulRedisPubSubConnection<String, String> connection) {
        this.connection = connection;
        connection.addListener(this);
    }

    /**
     * The signals of {@code channel}, subscribing to it first if no cache uses it yet; returns once
     * Redis confirmed the subscription, so that no release published after this returns is missed.
     *
     * @throws ZodiacCacheException when the subscription is not confirmed in time
     */
    ReleaseSignals subscribe(String channel, Duration timeout) {
        Subscription existing = subscriptions.get(channel);
        if (existing != null) {
            existing.users++;
            return existing.signals;
        }
        Subscription subscription = new Subscription(new ReleaseSignals(channel));
        subscription.users = 1;
        // registered before SUBSCRIBE is sent, so that its confirmation counts as the first
        subscriptions.put(channel, subscription);
        try {
            connection.async().subscribe(channel).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return subscription.signals;
        } catch (ExecutionException e) {
            forget(channel);
            throw new ZodiacCacheException("subscribing to " + channel + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            forget(channel);
            throw new ZodiacCacheException("subscribing to " + channel + " timed out after " + timeout.toMillis()
                    + " ms", e);
        } catch (InterruptedException e) {
            forget(channel);
            Thread.currentThread().interrupt();
            throw new ZodiacCacheException("interrupted while subscribing to " + channel, e);
        }
    }

    /** One cache less on {@code channel}; the last one unsubscribes (without waiting for Redis). */
    void unsubscribe(String channel) {
        Subscription subscription = subscriptions.get(channel);
        if (subscription != null && --subscription.users == 0) {
            forget(channel);
        }
    }

    private void forget(String channel) {
        subscriptions.remove(channel);
        if (connection.isOpen()) {
            connection.async().unsubscribe(channel);
        }
    }

    /** The number of channels subscribed (for tests). */
    int channels() {
        return subscriptions.size();
    }

    @Override
    public void message(String channel, String key) {
        Subscription subscription = subscriptions.get(channel);
        if (subscription != null) {
            subscription.signals.release(key);
        }
    }

    @Override
    public void subscribed(String channel, long count) {
        Subscription subscription = subscriptions.get(channel);
        if (subscription != null) {
            subscription.signals.subscribed();
        }
    }
}
