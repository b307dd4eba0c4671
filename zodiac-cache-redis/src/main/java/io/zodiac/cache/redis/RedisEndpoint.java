package io.zodiac.cache.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis endpoint (a node, a Sentinel-managed master or a cluster) as the caches of one
 * {@link io.zodiac.cache.CacheManager} share it: one Lettuce client, one pub/sub connection for
 * the lock releases of every cache on it ({@link ReleaseChannels}), and data connections (string
 * keys, {@code byte[]} values). Standalone and Sentinel go through a {@link RedisClient}, a
 * cluster through a {@link RedisClusterClient}; the backend only sees
 * {@link RedisClusterAsyncCommands}, which both data connections offer (the cluster one splits
 * multi-key commands by slot and scans every master).
 *
 * <p><b>Command timeouts.</b> Lettuce's command timeout belongs to a connection, and each cache
 * has its own {@link io.zodiac.cache.CacheConfig#operationTimeout() operation timeout}. So the
 * caches whose operation timeout is equal share one data connection whose command timeout is that
 * timeout, and a cache with another timeout gets a data connection of its own on the same client:
 * every command a cache sends then times out in Lettuce after exactly the cache's timeout, and the
 * cache needs no timer of its own on the hit path ({@link RedisBackend#timesOut}). Usually every
 * cache has the default timeout and there is one data connection. A cluster is the exception: its
 * commands go out on node connections, which time out after the seeds' timeout whatever the
 * cluster connection says, and the seeds' timeout is one per client. It is raised to the longest
 * operation timeout served (a backstop), and every cache of a cluster bounds its operations with
 * its own timer ({@link Attachment#commandsTimeOut()} is {@code false}).
 *
 * <p>Connections reconnect by themselves. While one is down, commands fail at once instead of
 * queueing until the server is back: a cache answers from the source meanwhile, and replaying
 * stale writes later would do harm.
 *
 * <p>Not thread-safe: {@link RedisEndpoints} calls it under its lock. Every connection of ours is
 * named {@value #CLIENT_NAME} in {@code CLIENT LIST}.
 */
final class RedisEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEndpoint.class);

    /** The name the connections give themselves ({@code CLIENT SETNAME}). */
    static final String CLIENT_NAME = "zodiac-cache";

    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** A data connection and the number of caches using it. */
    private static final class DataConnection {
        final StatefulConnection<String, byte[]> connection;
        final RedisClusterAsyncCommands<String, byte[]> commands;
        int users;

        DataConnection(StatefulConnection<String, byte[]> connection, RedisClusterAsyncCommands<String, byte[]> commands) {
            this.connection = connection;
            this.commands = commands;
        }
    }

    /**
     * What one cache holds of the endpoint: the commands of its data connection and the release
     * signals of its namespace. Closing it (once) lets go of them.
     */
    static final class Attachment {
        private final RedisEndpoints registry;
        private final RedisEndpoint endpoint;
        private final Duration timeout;
        private final RedisClusterAsyncCommands<String, byte[]> commands;
        private final ReleaseSignals signals;
        private CompletableFuture<Void> closed;

        private Attachment(RedisEndpoints registry, RedisEndpoint endpoint, Duration timeout,
                RedisClusterAsyncCommands<String, byte[]> commands, ReleaseSignals signals) {
            this.registry = registry;
            this.endpoint = endpoint;
            this.timeout = timeout;
            this.commands = commands;
            this.signals = signals;
        }

        /** The commands of the data connection. */
        RedisClusterAsyncCommands<String, byte[]> commands() {
            return commands;
        }

        /**
         * {@code true} when each command of {@link #commands()} times out in Lettuce after exactly the
         * cache's operation timeout (standalone and Sentinel); {@code false} on a cluster, whose node
         * connections time out after the longest timeout of the client's caches.
         */
        boolean commandsTimeOut() {
            return !endpoint.cluster;
        }

        /** The release signals of the cache's namespace. */
        ReleaseSignals signals() {
            return signals;
        }

        /** The endpoint (for tests). */
        RedisEndpoint endpoint() {
            return endpoint;
        }

        /** Lets go of the connections; the last cache of the endpoint closes them and the client. */
        CompletableFuture<Void> close() {
            synchronized (registry) {
                if (closed == null) {
                    closed = registry.detach(this);
                }
                return closed;
            }
        }
    }

    private final boolean cluster;
    private final Duration connectTimeout;
    private final AbstractRedisClient client;
    private final List<RedisURI> uris;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final ReleaseChannels channels;
    private final Map<Duration, DataConnection> data = new HashMap<>();
    private int users;

    private RedisEndpoint(RedisSettings settings, AbstractRedisClient client,
            StatefulRedisPubSubConnection<String, String> pubSub) {
        this.cluster = settings.cluster();
        this.connectTimeout = settings.connectTimeout();
        this.client = client;
        this.uris = settings.uris();
        this.pubSub = pubSub;
        this.channels = new ReleaseChannels(pubSub);
    }

    /**
     * Creates the client and connects the pub/sub connection, blocking until it is up (at setup
     * time). The data connections are connected by {@link #attach}.
     */
    static RedisEndpoint connect(RedisSettings settings, ClientResources resources) {
        for (RedisURI uri : settings.uris()) {
            uri.setClientName(CLIENT_NAME);
        }
        AbstractRedisClient client;
        if (settings.cluster()) {
            RedisClusterClient clusterClient = RedisClusterClient.create(resources, settings.uris());
            // Lettuce 7 refreshes the topology on every adaptive trigger (MOVED, ASK, reconnects) by default
            clusterClient.setOptions(clientOptions(ClusterClientOptions.builder(), settings).build());
            client = clusterClient;
        } else {
            RedisClient redisClient = RedisClient.create(resources, settings.uris().get(0));
            redisClient.setOptions(clientOptions(ClientOptions.builder(), settings).build());
            client = redisClient;
        }
        try {
            StatefulRedisPubSubConnection<String, String> pubSub = client instanceof RedisClusterClient clusterClient
                    ? clusterClient.connectPubSub(StringCodec.UTF8)
                    : ((RedisClient) client).connectPubSub(StringCodec.UTF8);
            return new RedisEndpoint(settings, client, pubSub);
        } catch (RuntimeException e) {
            client.shutdownAsync(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static <B extends ClientOptions.Builder> B clientOptions(B builder, RedisSettings settings) {
        settings.connectionOptions(builder).autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // each connection's own timeout (set per data connection), not one for the whole client
                .timeoutOptions(TimeoutOptions.enabled());
        return builder;
    }

    /**
     * Attaches a cache: the data connection of its operation timeout (connected now if no cache
     * uses that timeout yet) and the signals of its release channel (subscribed now if no cache
     * uses that channel yet).
     *
     * @throws RuntimeException when connecting or subscribing fails; nothing is then attached
     */
    Attachment attach(RedisEndpoints registry, Duration operationTimeout, String channel, Duration subscribeTimeout) {
        DataConnection connection = data.get(operationTimeout);
        boolean connected = false;
        if (connection == null) {
            connection = connectData(operationTimeout);
            connected = true;
        }
        ReleaseSignals signals;
        try {
            signals = channels.subscribe(channel, subscribeTimeout);
        } catch (RuntimeException e) {
            if (connected) {
                connection.connection.closeAsync();
            }
            throw e;
        }
        if (connected) {
            data.put(operationTimeout, connection);
        }
        connection.users++;
        users++;
        return new Attachment(registry, this, operationTimeout, connection.commands, signals);
    }

    private DataConnection connectData(Duration timeout) {
        if (cluster) {
            for (RedisURI uri : uris) {
                if (uri.getTimeout().compareTo(timeout) < 0) {
                    uri.setTimeout(timeout);
                }
            }
            StatefulRedisClusterConnection<String, byte[]> connection = ((RedisClusterClient) client).connect(CODEC);
            connection.setTimeout(timeout);
            connectMasters(connection);
            return new DataConnection(connection, connection.async());
        }
        StatefulRedisConnection<String, byte[]> connection = ((RedisClient) client).connect(CODEC);
        connection.setTimeout(timeout);
        return new DataConnection(connection, connection.async());
    }

    /**
     * Connects the cluster connection to every master now. Lettuce connects to the nodes lazily and,
     * with {@code REJECT_COMMANDS}, rejects a command whose node connection is still being made
     * (as it rejects one whose node is disconnected): without this, the first commands to each node
     * would fail. A master that cannot be reached now is connected on its first command, which then
     * fails (the cache answers from the source), as is a master that joins later.
     */
    private void connectMasters(StatefulRedisClusterConnection<String, byte[]> connection) {
        List<CompletableFuture<?>> masters = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                // by host and port: the key under which commands routed by slot find the node connection
                masters.add(connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
            }
        }
        try {
            CompletableFuture.allOf(masters.toArray(CompletableFuture[]::new))
                    .get(connectTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Not every master of the cluster could be connected at setup; commands to it fail until it is: {}",
                    e.getCause() != null ? e.getCause().toString() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Detaches a cache, closing the data connection and unsubscribing the channel that no other
     * cache uses.
     *
     * @return {@code true} when no cache is attached any more: the caller then {@linkplain #close() closes}
     *     the endpoint, with every connection
     */
    boolean detach(Attachment attachment) {
        if (--users == 0) {
            return true;
        }
        channels.unsubscribe(attachment.signals.channel());
        DataConnection connection = data.get(attachment.timeout);
        if (--connection.users == 0) {
            data.remove(attachment.timeout);
            connection.connection.closeAsync();
        }
        return false;
    }

    /** {@code true} when no cache is attached. */
    boolean unused() {
        return users == 0;
    }

    /** Closes every connection and the client; the shared client resources stay up. */
    CompletableFuture<Void> close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        closing.add(pubSub.closeAsync());
        for (DataConnection connection : data.values()) {
            closing.add(connection.connection.closeAsync());
        }
        data.clear();
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .handle((ignored, error) -> null)
                .thenCompose(ignored -> client.shutdownAsync(0, 2, TimeUnit.SECONDS));
    }

    /** The number of data connections (for tests). */
    int dataConnections() {
        return data.size();
    }

    /** The release channels subscribed (for tests). */
    int channels() {
        return channels.channels();
    }
}
