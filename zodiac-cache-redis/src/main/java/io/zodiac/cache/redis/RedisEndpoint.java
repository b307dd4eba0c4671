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
import io.zodiac.cache.spi.ConnectionGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
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
 * <p><b>Connecting.</b> Creating an endpoint does not wait for Redis: each connection is made in
 * the background by a {@link Connector}, which retries with backoff until the server is there
 * (setting a cache up is configuration, reaching its server is not). Until a cache's data
 * connection is made, its calls wait for it within the operation timeout
 * ({@link Attachment#gate()}); the release channels are subscribed once the pub/sub connection is
 * made. Once made, connections reconnect by themselves (Lettuce's {@code autoReconnect}). While
 * one is down, commands fail at once instead of queueing until the server is back: a cache
 * answers from the source meanwhile, and replaying stale writes later would do harm.
 *
 * <p>Its bookkeeping ({@link #attach}, {@link #detach}, {@link #close}) is not thread-safe:
 * {@link RedisEndpoints} calls it under its lock; the connectors complete on Lettuce's threads.
 * Every connection of ours is named {@value #CLIENT_NAME} in {@code CLIENT LIST}.
 */
final class RedisEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEndpoint.class);

    /** The name the connections give themselves ({@code CLIENT SETNAME}). */
    static final String CLIENT_NAME = "zodiac-cache";

    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** A data connection (made in the background) and the number of caches using it. */
    private static final class DataConnection {
        final Connector<StatefulConnection<String, byte[]>> connector;
        volatile RedisClusterAsyncCommands<String, byte[]> commands;
        int users;

        DataConnection(Function<DataConnection, Connector<StatefulConnection<String, byte[]>>> connector) {
            this.connector = connector.apply(this);
        }

        void connected(StatefulConnection<String, byte[]> connection) {
            commands = connection instanceof StatefulRedisClusterConnection<String, byte[]> cluster
                    ? cluster.async() : ((StatefulRedisConnection<String, byte[]>) connection).async();
        }
    }

    /**
     * What one cache holds of the endpoint: its data connection and the release signals of its
     * namespace. Closing it (once) lets go of them.
     */
    static final class Attachment {
        private final RedisEndpoints registry;
        private final RedisEndpoint endpoint;
        private final Duration timeout;
        private final DataConnection data;
        private final ReleaseSignals signals;
        private CompletableFuture<Void> closed;

        private Attachment(RedisEndpoints registry, RedisEndpoint endpoint, Duration timeout, DataConnection data,
                ReleaseSignals signals) {
            this.registry = registry;
            this.endpoint = endpoint;
            this.timeout = timeout;
            this.data = data;
            this.signals = signals;
        }

        /** The commands of the data connection; {@code null} until it is made ({@link #gate()} opens then). */
        RedisClusterAsyncCommands<String, byte[]> commands() {
            return data.commands;
        }

        /** Open once the data connection is made; calls wait on it until then. */
        ConnectionGate gate() {
            return data.connector.gate();
        }

        /** Why the last attempt to make the data connection failed, or {@code null}. */
        Throwable lastError() {
            return data.connector.lastError();
        }

        /** Where the endpoint connects, without credentials, for messages. */
        String describe() {
            return endpoint.description;
        }

        /**
         * {@code true} when each command of {@link #commands()} times out in Lettuce after exactly the
         * cache's operation timeout (standalone and Sentinel); {@code false} on a cluster, whose node
         * connections time out after the longest timeout of the client's caches.
         */
        boolean commandsTimeOut() {
            return !endpoint.cluster;
        }

        /**
         * A connection of the cache's own (not shared), whose commands time out after the cache's
         * operation timeout, made in the background once {@link Connector#start() started}: the
         * near cache's tracked connection. Standalone and Sentinel only. The caller closes it.
         */
        Connector<StatefulRedisConnection<String, byte[]>> ownConnection(String what,
                Consumer<StatefulRedisConnection<String, byte[]>> onConnected) {
            return endpoint.ownConnection(what, timeout, onConnected);
        }

        /**
         * A cluster connection of the cache's own (not shared), made in the background once
         * {@link Connector#start() started}: the near cache's tracked connections on a cluster.
         * The caller closes it.
         */
        Connector<StatefulRedisClusterConnection<String, byte[]>> ownClusterConnection(String what,
                Consumer<StatefulRedisClusterConnection<String, byte[]>> onConnected) {
            return endpoint.ownClusterConnection(what, timeout, onConnected);
        }

        /** {@code true} on a Redis Cluster. */
        boolean cluster() {
            return endpoint.cluster;
        }

        /** The client resources (event loops, timer) of the endpoint. */
        ClientResources resources() {
            return endpoint.resources;
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
    private final String description;
    private final Duration connectTimeout;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final List<RedisURI> uris;
    private final Connector<StatefulRedisPubSubConnection<String, String>> pubSub;
    private final ReleaseChannels channels;
    private final Map<Duration, DataConnection> data = new HashMap<>();
    private int users;
    /** Guarded by this: the cluster's topology, loaded (or being loaded) for the first connections. */
    private CompletableFuture<Void> topology;

    private RedisEndpoint(RedisSettings settings, ClientResources resources, AbstractRedisClient client) {
        this.cluster = settings.cluster();
        this.description = settings.describe();
        this.connectTimeout = settings.connectTimeout();
        this.resources = resources;
        this.client = client;
        this.uris = settings.uris();
        this.channels = new ReleaseChannels(resources.eventExecutorGroup());
        this.pubSub = new Connector<>("pub/sub connection to " + description, this::connectPubSub, resources,
                channels::connected);
    }

    /**
     * Creates the client and starts connecting the pub/sub connection in the background; returns at
     * once, whether Redis is up or not. The data connections are started by {@link #attach}.
     */
    static RedisEndpoint create(RedisSettings settings, ClientResources resources) {
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
        RedisEndpoint endpoint = new RedisEndpoint(settings, resources, client);
        endpoint.pubSub.start();
        return endpoint;
    }

    private static <B extends ClientOptions.Builder> B clientOptions(B builder, RedisSettings settings) {
        settings.connectionOptions(builder).autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // each connection's own timeout (set per data connection), not one for the whole client
                .timeoutOptions(TimeoutOptions.enabled());
        return builder;
    }

    /** One attempt at the pub/sub connection (a cluster's first one loads the topology first). */
    private CompletionStage<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        if (client instanceof RedisClusterClient clusterClient) {
            return topology(clusterClient)
                    .thenCompose(loaded -> clusterClient.connectPubSubAsync(StringCodec.UTF8))
                    .thenApply(connection -> (StatefulRedisPubSubConnection<String, String>) connection);
        }
        return ((RedisClient) client).connectPubSubAsync(StringCodec.UTF8, uris.get(0));
    }

    /**
     * The cluster's topology, loaded once for every connection of the endpoint: an attempt that
     * finds a load in flight joins it, one after a failed load starts another. Once loaded, Lettuce
     * keeps it up to date.
     */
    private synchronized CompletableFuture<Void> topology(RedisClusterClient clusterClient) {
        if (topology == null || topology.isCompletedExceptionally()) {
            topology = clusterClient.refreshPartitionsAsync().toCompletableFuture();
        }
        return topology;
    }

    /**
     * Attaches a cache: the data connection of its operation timeout (started now, in the
     * background, if no cache uses that timeout yet) and the signals of its release channel
     * (subscribed as soon as the pub/sub connection is up). Does not wait for Redis.
     */
    Attachment attach(RedisEndpoints registry, Duration operationTimeout, String channel) {
        DataConnection connection = data.get(operationTimeout);
        if (connection == null) {
            connection = startData(operationTimeout);
            data.put(operationTimeout, connection);
        }
        ReleaseSignals signals = channels.subscribe(channel);
        connection.users++;
        users++;
        return new Attachment(registry, this, operationTimeout, connection, signals);
    }

    private DataConnection startData(Duration timeout) {
        if (cluster) {
            for (RedisURI uri : uris) {
                if (uri.getTimeout().compareTo(timeout) < 0) {
                    uri.setTimeout(timeout);
                }
            }
        }
        long firstAttempt = System.nanoTime();
        DataConnection connection = new DataConnection(self -> new Connector<>("data connection to " + description,
                () -> connectData(timeout, firstAttempt), resources, self::connected));
        connection.connector.start();
        return connection;
    }

    /**
     * One attempt at a data connection whose commands time out after {@code timeout}; on a cluster,
     * {@code firstAttempt} (a {@link System#nanoTime()}) bounds how long the attempts insist on
     * every master (see {@link #connectMasters}).
     */
    private CompletionStage<StatefulConnection<String, byte[]>> connectData(Duration timeout, long firstAttempt) {
        if (client instanceof RedisClusterClient clusterClient) {
            return topology(clusterClient)
                    .thenCompose(loaded -> clusterClient.connectAsync(CODEC))
                    .thenCompose(connection -> {
                        connection.setTimeout(timeout);
                        return connectMasters(connection, firstAttempt);
                    });
        }
        return ((RedisClient) client).connectAsync(CODEC, uris.get(0)).thenApply(connection -> {
            connection.setTimeout(timeout);
            return (StatefulConnection<String, byte[]>) connection;
        });
    }

    /**
     * Connects the cluster connection to every master before it is used. Lettuce connects to the
     * nodes lazily and, with {@code REJECT_COMMANDS}, rejects a command whose node connection is
     * still being made (as it rejects one whose node is disconnected): without this, the first
     * commands to each node would fail. A master that cannot be reached fails the attempt (the
     * connector tries again: a cluster coming up starts its nodes one by one) until the connect
     * timeout has passed since the first attempt; after that the connection is used with the
     * masters that are up, and a missing master is connected on its first command, which then
     * fails (the cache answers from the source), as is a master that joins later.
     */
    private CompletableFuture<StatefulConnection<String, byte[]>> connectMasters(
            StatefulRedisClusterConnection<String, byte[]> connection, long firstAttempt) {
        List<CompletableFuture<?>> masters = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                // by host and port: the key under which commands routed by slot find the node connection
                masters.add(connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()));
            }
        }
        return CompletableFuture.allOf(masters.toArray(CompletableFuture[]::new))
                .orTimeout(connectTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .handle((done, error) -> error)
                .thenCompose(error -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(connection);
                    }
                    if (System.nanoTime() - firstAttempt < connectTimeout.toNanos()) {
                        connection.closeAsync();
                        return CompletableFuture.failedFuture(error);
                    }
                    LOG.warn("Not every master of the cluster could be connected within {} ms; commands to it fail until "
                            + "it is: {}", connectTimeout.toMillis(), ConnectFailures.reason(error));
                    return CompletableFuture.completedFuture(connection);
                });
    }

    private Connector<StatefulRedisConnection<String, byte[]>> ownConnection(String what, Duration timeout,
            Consumer<StatefulRedisConnection<String, byte[]>> onConnected) {
        if (cluster) {
            throw new IllegalStateException("a connection of one's own is made on a standalone or Sentinel endpoint only");
        }
        return new Connector<>(what + " to " + description,
                () -> ((RedisClient) client).connectAsync(CODEC, uris.get(0)).thenApply(connection -> {
                    connection.setTimeout(timeout);
                    return connection;
                }), resources, onConnected);
    }

    private Connector<StatefulRedisClusterConnection<String, byte[]>> ownClusterConnection(String what, Duration timeout,
            Consumer<StatefulRedisClusterConnection<String, byte[]>> onConnected) {
        if (!(client instanceof RedisClusterClient clusterClient)) {
            throw new IllegalStateException("a cluster connection of one's own is made on a cluster endpoint only");
        }
        return new Connector<>(what + " to " + description,
                () -> topology(clusterClient).thenCompose(loaded -> clusterClient.connectAsync(CODEC)).thenApply(connection -> {
                    connection.setTimeout(timeout);
                    return connection;
                }), resources, onConnected);
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
            connection.connector.close();
        }
        return false;
    }

    /** {@code true} when no cache is attached. */
    boolean unused() {
        return users == 0;
    }

    /**
     * Stops connecting, closes every connection made and shuts the client down; the shared client
     * resources stay up.
     */
    CompletableFuture<Void> close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        closing.add(pubSub.close());
        for (DataConnection connection : data.values()) {
            closing.add(connection.connector.close());
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
