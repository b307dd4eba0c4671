package io.zodiac.cache.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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

    /** How long after a refused {@code SUBSCRIBE} (the connection was down) it is sent again. */
    private static final long RESUBSCRIBE_MILLIS = 1_000;

    private final EventExecutorGroup scheduler;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** Guarded by this; {@code null} until the pub/sub connection is made. */
    private StatefulRedisPubSubConnection<String, String> connection;

    /** @param scheduler where a refused subscription is retried */
    ReleaseChannels(EventExecutorGroup scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * The pub/sub connection is made (on Lettuce's thread): listens to it and subscribes every
     * channel in use. Lettuce subscribes the confirmed ones again after each reconnect.
     */
    synchronized void connected(StatefulRedisPubSubConnection<String, String> made) {
        connection = made;
        made.addListener(this);
        subscriptions.keySet().forEach(this::send);
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
            send(channel);
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

    /**
     * Sends {@code SUBSCRIBE channel}. Lettuce subscribes again after a reconnect only the channels
     * Redis confirmed; one refused because the connection was down at that moment is sent again a
     * second later, for as long as a cache uses it and the connection is open.
     */
    private void send(String channel) {
        connection.async().subscribe(channel).whenComplete((done, error) -> {
            if (error != null) {
                LOG.debug("Redis pub/sub: subscribing to {} failed, again in {} ms: {}", channel, RESUBSCRIBE_MILLIS,
                        error.toString());
                try {
                    scheduler.schedule(() -> resend(channel), RESUBSCRIBE_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException shutDown) {
                    // the manager is shutting down: nobody waits any more
                }
            }
        });
    }

    private synchronized void resend(String channel) {
        if (subscriptions.containsKey(channel) && connection.isOpen()) {
            send(channel);
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
