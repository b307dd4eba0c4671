package io.zodiac.cache.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>{@link #subscribe}, {@link #unsubscribe} and {@link #connected} synchronise on this object;
 * the listener methods run on Lettuce's I/O thread.
 */
final class ReleaseChannels extends RedisPubSubAdapter<String, String> {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseChannels.class);

    /** The signals of a channel and the number of caches using it. */
    private static final class Subscription {
        final ReleaseSignals signals;
        int users;

        Subscription(ReleaseSignals signals) {
            this.signals = signals;
        }
    }

    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** Guarded by this; {@code null} until the pub/sub connection is made. */
    private StatefulRedisPubSubConnection<String, String> connection;

    /**
     * The pub/sub connection is made (on Lettuce's thread): listens to it and subscribes every
     * channel in use. Lettuce subscribes them again after each reconnect.
     */
    synchronized void connected(StatefulRedisPubSubConnection<String, String> made) {
        connection = made;
        made.addListener(this);
        if (!subscriptions.isEmpty()) {
            send(made.async().subscribe(subscriptions.keySet().toArray(String[]::new)));
        }
    }

    /**
     * The signals of {@code channel}, subscribing to it first if no cache uses it yet (at once when
     * the pub/sub connection is up, else once it is made). Does not wait for Redis: its confirmation
     * wakes every waiter of the channel ({@link ReleaseSignals#subscribed()}), so that a release
     * published before the subscription took effect delays no waiter beyond that.
     */
    synchronized ReleaseSignals subscribe(String channel) {
        Subscription existing = subscriptions.get(channel);
        if (existing != null) {
            existing.users++;
            return existing.signals;
        }
        Subscription subscription = new Subscription(new ReleaseSignals(channel));
        subscription.users = 1;
        // registered before SUBSCRIBE is sent, so that its confirmation finds the signals
        subscriptions.put(channel, subscription);
        if (connection != null) {
            send(connection.async().subscribe(channel));
        }
        return subscription.signals;
    }

    /** One cache less on {@code channel}; the last one unsubscribes (without waiting for Redis). */
    synchronized void unsubscribe(String channel) {
        Subscription subscription = subscriptions.get(channel);
        if (subscription != null && --subscription.users == 0) {
            subscriptions.remove(channel);
            if (connection != null && connection.isOpen()) {
                // a failure only leaves messages of a channel nobody listens to any more
                connection.async().unsubscribe(channel);
            }
        }
    }

    private static void send(RedisFuture<Void> command) {
        command.whenComplete((done, error) -> {
            if (error != null) {
                LOG.warn("Redis pub/sub: subscribing to the lock release channels failed; lock waiters wait up to "
                        + "their lease until the connection comes back: {}", error.toString());
            }
        });
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
