package io.zodiac.cache.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The tracked connections of one near cache on a Redis Cluster. Each master tracks the keys read
 * from it, so the near cache has a cluster connection of its own and reads each key on the
 * connection to the master that serves the key's slot, after {@code CLIENT TRACKING ON} succeeded
 * on that node connection (turned on when the node is first read, and again after it reconnected).
 * The invalidations of each node connection reach the near cache as on a standalone node.
 *
 * <p>While a key's master has no tracked connection, its reads go to the backend and install
 * nothing. Every local copy is dropped when a node connection is lost or comes back (its server
 * forgot the tracking and may have had changes meanwhile) and when Lettuce sees the cluster's
 * topology change (a slot moved, a node added or removed, a failover): a copy read from a node
 * that no longer serves its key would get no invalidation. (Lettuce's event bus is shared by the
 * manager's clients: the change of another cluster, told apart by its node ids, drops nothing.) A tracked read that fails (a
 * {@code MOVED} redirect before the topology is refreshed, say) is retried on the backend.
 */
final class ClusterTracking implements TrackedReads {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterTracking.class);

    /** The tracked connection to one master, by host and port (the node connection Lettuce routes its slots to). */
    private final class Node implements PushListener, RedisConnectionStateListener {
        private final String host;
        private final int port;
        /** Guarded by this: the node connection listened to. */
        private StatefulRedisConnection<String, byte[]> connection;
        /** Guarded by this: {@code CLIENT TRACKING ON} (or getting the connection) under way. */
        private boolean enabling;
        /** Its commands while tracking is on, else {@code null}. */
        private volatile RedisAsyncCommands<String, byte[]> commands;
        /** Counts the connection events: tracking turned on before the last one is not on. */
        private volatile int events;

        Node(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /** Starts turning tracking on unless it is on or being turned on. */
        synchronized void enable(StatefulRedisClusterConnection<String, byte[]> cluster) {
            if (enabling || commands != null || closed) {
                return;
            }
            enabling = true;
            int since = events;
            cluster.getConnectionAsync(host, port)
                    .thenCompose(made -> {
                        listen(made);
                        return made.async().clientTracking(TrackingArgs.Builder.enabled()).thenApply(ok -> made);
                    })
                    .whenComplete((made, error) -> enabled(made, error, since));
        }

        private synchronized void listen(StatefulRedisConnection<String, byte[]> made) {
            if (made != connection) {
                connection = made;
                made.addListener((PushListener) this);
                made.addListener((RedisConnectionStateListener) this);
            }
        }

        private synchronized void enabled(StatefulRedisConnection<String, byte[]> made, Throwable error, int since) {
            enabling = false;
            if (error == null && since == events && !closed && made.isOpen()) {
                commands = made.async();
            } else if (error != null) {
                LOG.debug("CLIENT TRACKING ON failed on {}:{}; trying again on its next read: {}", host, port, error.toString());
            }
        }

        @Override
        public void onPushMessage(PushMessage message) {
            Tracking.invalidate(message, listener);
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
            lost(handler); // a reconnect: the server forgot the tracking
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
            lost(handler);
        }

        private void lost(RedisChannelHandler<?, ?> handler) {
            synchronized (this) {
                if (handler != connection) {
                    return;
                }
                events++;
                commands = null;
            }
            listener.reset();
        }
    }

    private final Tracking.Listener listener;
    private final Connector<StatefulRedisClusterConnection<String, byte[]>> connector;
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final Disposable topologyChanges;
    private volatile StatefulRedisClusterConnection<String, byte[]> cluster;
    private volatile boolean closed;

    ClusterTracking(RedisEndpoint.Attachment attachment, String cacheName, Tracking.Listener listener) {
        this.listener = listener;
        // the event bus is shared by every Redis client of the manager: only this cluster's changes drop the copies
        this.topologyChanges = attachment.resources().eventBus().get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .filter(event -> concernsThisCluster((ClusterTopologyChangedEvent) event))
                .subscribe(event -> listener.reset());
        this.connector = attachment.ownClusterConnection("near cache connection of cache '" + cacheName + "'",
                made -> cluster = made);
        connector.start();
    }

    @Override
    public RedisAsyncCommands<String, byte[]> commandsFor(String redisKey) {
        StatefulRedisClusterConnection<String, byte[]> connection = cluster;
        if (connection == null || closed) {
            return null;
        }
        RedisClusterNode owner = connection.getPartitions().getPartitionBySlot(SlotHash.getSlot(redisKey));
        if (owner == null) {
            return null;
        }
        RedisURI uri = owner.getUri();
        Node node = nodes.computeIfAbsent(uri.getHost() + ":" + uri.getPort(), address -> new Node(uri.getHost(), uri.getPort()));
        RedisAsyncCommands<String, byte[]> commands = node.commands;
        if (commands == null) {
            node.enable(connection);
        }
        return commands;
    }

    /** {@code true} once the cluster connection is made; each key's own node may not track yet. */
    @Override
    public boolean on() {
        return cluster != null && !closed;
    }

    /** {@code true} unless the change is known to be another cluster's (no node of it is one of this connection's). */
    private boolean concernsThisCluster(ClusterTopologyChangedEvent event) {
        StatefulRedisClusterConnection<String, byte[]> connection = cluster;
        return connection == null || sameCluster(connection.getPartitions(), event);
    }

    /**
     * {@code true} when {@code event} names a node of {@code ours} (by node id, before or after the
     * change): a cluster's node ids are random, so another cluster's never match.
     */
    static boolean sameCluster(Iterable<RedisClusterNode> ours, ClusterTopologyChangedEvent event) {
        Set<String> ids = new HashSet<>();
        for (RedisClusterNode node : ours) {
            ids.add(node.getNodeId());
        }
        ids.remove(null);
        return Stream.concat(event.before().stream(), event.after().stream()).map(RedisClusterNode::getNodeId).anyMatch(ids::contains);
    }

    @Override
    public boolean retriesOnBackend() {
        return true;
    }

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        topologyChanges.dispose();
        for (Node node : nodes.values()) {
            node.commands = null;
        }
        return connector.close();
    }
}
