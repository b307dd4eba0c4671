package io.zodiac.cache.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracked connection of one near cache: a connection of its own with Redis
 * {@code CLIENT TRACKING} on (default mode: the server remembers the keys this connection read and
 * pushes an {@code invalidate} message, RESP3, when one of them changes or goes away, and a
 * {@code null} one on {@code FLUSHDB}/{@code FLUSHALL}). The near cache reads through it, so every
 * local copy is of a key the server tracks for it.
 *
 * <p>Default mode rather than {@code BCAST PREFIX}: the server then sends only the changes of keys
 * this connection read, not every write under the namespace (a write-heavy namespace would flood
 * every near cache with messages about keys it never held), and the reads go through this
 * connection anyway.
 *
 * <p>{@link #commands()} is {@code null} unless tracking is on: before the connection is made,
 * while it is down (the server forgot the tracking then, and invalidations may have been missed)
 * and until {@code CLIENT TRACKING ON} succeeded again after Lettuce reconnected it. Each change of
 * that state {@linkplain Listener#reset() resets} the near cache, which drops every local copy.
 */
final class Tracking implements TrackedReads, PushListener, RedisConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(Tracking.class);
    /** How long to wait before trying {@code CLIENT TRACKING ON} again on a connection that is up. */
    private static final long RETRY_MILLIS = 100;

    /** What the near cache is told. */
    interface Listener {
        /** The server says that the Redis key {@code redisKey} changed. */
        void invalidated(String redisKey);

        /** Every local copy must go: a flush, or tracking lost or (re-)established. */
        void reset();
    }

    private final Listener listener;
    private final ClientResources resources;
    private final Connector<StatefulRedisConnection<String, byte[]>> connector;
    private volatile RedisAsyncCommands<String, byte[]> commands;
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile boolean closed;
    /** Counts the disconnects: tracking turned on before the last one is not on. */
    private volatile int disconnects;

    Tracking(RedisEndpoint.Attachment attachment, String cacheName, Listener listener) {
        this.listener = listener;
        this.resources = attachment.resources();
        this.connector = attachment.ownConnection("near cache connection of cache '" + cacheName + "'", this::connected);
        connector.start();
    }

    /** The tracked connection's commands while tracking is on, else {@code null}: then bypass the local copy. */
    RedisAsyncCommands<String, byte[]> commands() {
        return commands;
    }

    /** {@link #commands()}: one connection serves every key. */
    @Override
    public RedisAsyncCommands<String, byte[]> commandsFor(String redisKey) {
        return commands;
    }

    @Override
    public boolean on() {
        return commands != null;
    }

    @Override
    public boolean retriesOnBackend() {
        return false;
    }

    private void connected(StatefulRedisConnection<String, byte[]> made) {
        connection = made;
        made.addListener((PushListener) this);
        made.addListener((RedisConnectionStateListener) this);
        enable(made);
    }

    /** Turns tracking on; on success the near cache starts afresh and reads through the connection. */
    private void enable(StatefulRedisConnection<String, byte[]> made) {
        if (closed || !made.isOpen()) {
            return;
        }
        int since = disconnects;
        CompletableFuture<String> on = made.async().clientTracking(TrackingArgs.Builder.enabled()).toCompletableFuture();
        on.whenComplete((ok, error) -> {
            if (error == null && since == disconnects) {
                listener.reset();
                commands = made.async();
            } else if (error != null && !closed && made.isOpen()) {
                LOG.debug("CLIENT TRACKING ON failed, trying again: {}", error.toString());
                resources.eventExecutorGroup().schedule(() -> enable(made), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
        StatefulRedisConnection<String, byte[]> made = connection;
        if (handler == made) {
            // a reconnect: the server forgot the tracking; turn it on again once the connection takes commands
            commands = null;
            listener.reset();
            resources.eventExecutorGroup().schedule(() -> enable(made), 0, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
        if (handler == connection) {
            disconnects++;
            commands = null;
            listener.reset();
        }
    }

    @Override
    public void onPushMessage(PushMessage message) {
        invalidate(message, listener);
    }

    /** Tells {@code listener} about an {@code invalidate} push message; ignores other pushes. */
    static void invalidate(PushMessage message, Listener listener) {
        if (!message.getType().equals("invalidate")) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        Object keys = content.size() > 1 ? content.get(1) : null;
        if (keys instanceof List<?> list) {
            for (Object key : list) {
                listener.invalidated((String) key);
            }
        } else {
            listener.reset(); // FLUSHDB, FLUSHALL: every key at once
        }
    }

    /** Closes the connection. */
    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        commands = null;
        return connector.close();
    }
}
