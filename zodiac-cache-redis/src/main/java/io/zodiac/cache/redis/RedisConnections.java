package io.zodiac.cache.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce client and the two connections of one cache: a data connection (string keys,
 * {@code byte[]} values) and a dedicated pub/sub connection for lock releases. Standalone and
 * Sentinel go through a {@link RedisClient}, a cluster through a {@link RedisClusterClient}; the
 * rest of the backend only sees {@link RedisClusterAsyncCommands}, which both connections offer
 * (the cluster one splits multi-key commands by slot and scans every master).
 *
 * <p>Connections reconnect by themselves. While one is down, commands fail at once instead of
 * queueing until the server is back: a cache answers from the source meanwhile, and replaying
 * stale writes later would do harm.
 */
final class RedisConnections {

    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final AbstractRedisClient client;
    private final StatefulConnection<String, byte[]> data;
    private final RedisClusterAsyncCommands<String, byte[]> commands;
    private final StatefulRedisPubSubConnection<String, String> pubSub;

    private RedisConnections(AbstractRedisClient client, StatefulConnection<String, byte[]> data,
            RedisClusterAsyncCommands<String, byte[]> commands, StatefulRedisPubSubConnection<String, String> pubSub) {
        this.client = client;
        this.data = data;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /**
     * Connects both connections, blocking until they are up (at setup time).
     *
     * @param commandTimeout how long Lettuce keeps a command that got no reply
     * @param clientName the name the connections give themselves ({@code CLIENT SETNAME})
     */
    static RedisConnections open(RedisSettings settings, ClientResources resources, Duration commandTimeout,
            String clientName) {
        for (RedisURI uri : settings.uris()) {
            uri.setClientName(clientName);
        }
        return settings.cluster() ? cluster(settings, resources, commandTimeout)
                : standalone(settings, resources, commandTimeout);
    }

    private static RedisConnections standalone(RedisSettings settings, ClientResources resources, Duration commandTimeout) {
        RedisClient client = RedisClient.create(resources, settings.uris().get(0));
        client.setOptions(clientOptions(ClientOptions.builder(), settings, commandTimeout).build());
        StatefulRedisConnection<String, byte[]> data = null;
        try {
            data = client.connect(CODEC);
            StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8);
            return new RedisConnections(client, data, data.async(), pubSub);
        } catch (RuntimeException e) {
            closeQuietly(client, data);
            throw e;
        }
    }

    private static RedisConnections cluster(RedisSettings settings, ClientResources resources, Duration commandTimeout) {
        RedisClusterClient client = RedisClusterClient.create(resources, settings.uris());
        ClusterClientOptions.Builder options = ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build());
        client.setOptions(clientOptions(options, settings, commandTimeout).build());
        StatefulRedisClusterConnection<String, byte[]> data = null;
        try {
            data = client.connect(CODEC);
            StatefulRedisPubSubConnection<String, String> pubSub = client.connectPubSub(StringCodec.UTF8);
            return new RedisConnections(client, data, data.async(), pubSub);
        } catch (RuntimeException e) {
            closeQuietly(client, data);
            throw e;
        }
    }

    private static <B extends ClientOptions.Builder> B clientOptions(B builder, RedisSettings settings, Duration commandTimeout) {
        builder.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout));
        if (settings.sslOptions() != null) {
            builder.sslOptions(settings.sslOptions());
        }
        return builder;
    }

    private static void closeQuietly(AbstractRedisClient client, StatefulConnection<?, ?> data) {
        if (data != null) {
            data.closeAsync();
        }
        client.shutdownAsync(0, 2, TimeUnit.SECONDS);
    }

    /** The commands of the data connection. */
    RedisClusterAsyncCommands<String, byte[]> commands() {
        return commands;
    }

    /** The pub/sub connection. */
    StatefulRedisPubSubConnection<String, String> pubSub() {
        return pubSub;
    }

    /** Closes both connections and the client; the shared client resources stay up. */
    CompletableFuture<Void> close() {
        return CompletableFuture.allOf(pubSub.closeAsync(), data.closeAsync())
                .handle((ignored, error) -> null)
                .thenCompose(ignored -> client.shutdownAsync(0, 2, TimeUnit.SECONDS));
    }
}
