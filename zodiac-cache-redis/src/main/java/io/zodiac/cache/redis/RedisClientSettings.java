package io.zodiac.cache.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.zodiac.cache.CacheConfig;

/**
 * The Lettuce terms of a Redis cache configuration, for tools that talk to the cache's server
 * themselves (the CLI asks it for {@code INFO}): the same URI, credentials, TLS trust
 * ({@code ca_cert}, {@code truststore}, {@code verify_peer}) and connect timeout as the backend,
 * checked the same way.
 *
 * <pre>{@code
 * RedisClientSettings settings = RedisClientSettings.from(config);
 * RedisClient client = RedisClient.create(settings.uri());
 * client.setOptions(settings.clientOptions());
 * }</pre>
 */
public final class RedisClientSettings {

    private final RedisSettings settings;

    private RedisClientSettings(RedisSettings settings) {
        this.settings = settings;
    }

    /**
     * Reads the Redis options of {@code config} as the backend does.
     *
     * @param config a configuration of the {@code redis} backend
     * @return the settings
     * @throws IllegalArgumentException naming the option that is missing, malformed or in conflict
     */
    public static RedisClientSettings from(CacheConfig config) {
        return new RedisClientSettings(RedisSettings.from(config));
    }

    /**
     * The server to connect to: the node, the Sentinel setup, or the first seed of a cluster, with
     * credentials, TLS and peer verification as configured. A new instance per settings object.
     *
     * @return the URI
     */
    public RedisURI uri() {
        return settings.uris().get(0);
    }

    /**
     * Client options with the configured connect timeout and, when {@code ca_cert} or
     * {@code truststore} is given, that trust material instead of the JDK's default trust store.
     *
     * @return the options
     */
    public ClientOptions clientOptions() {
        return settings.connectionOptions(ClientOptions.builder()).build();
    }

    /**
     * Where the settings connect, without credentials, for messages.
     *
     * @return e.g. {@code rediss://127.0.0.1:6380/0}
     */
    @Override
    public String toString() {
        return settings.describe();
    }
}
