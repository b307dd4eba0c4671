package io.zodiac.cache.redis;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendContext;
import io.zodiac.cache.spi.BackendProvider;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.ZodiacCacheException;
import java.util.Set;

/**
 * The Redis backend, {@code "redis"}, on Lettuce: a standalone node, a Sentinel-managed master or
 * a Redis Cluster, over TLS and with ACL users if asked. Found by {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * manager.setup("myapp", CacheConfig.builder().name("sessions").backend("redis")
 *         .option("endpoint", "10.0.0.5").option("port", 6379).option("db", 2)
 *         .option("username", "app").option("password", secret)
 *         .build());
 * manager.setup("myapp", CacheConfig.fromUri("rediss://app:secret@redis.example.com:6380/0")
 *         .option("ca_cert", "/etc/ssl/redis-ca.pem").build());
 * manager.setup("myapp", CacheConfig.fromUri("redis-sentinel://10.0.0.7:26379,10.0.0.8:26379/0#mymaster").build());
 * manager.setup("myapp", CacheConfig.builder().backend("redis")
 *         .option("cluster", "10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000").build());
 * }</pre>
 *
 * <p>Options:
 * <ul>
 *   <li>{@code endpoint} (required unless {@code uri} or {@code cluster} is given), {@code port}
 *       (6379), {@code db} (0), {@code ssl} ({@code false})</li>
 *   <li>{@code uri}: {@code redis://}, {@code rediss://} (TLS) or
 *       {@code redis-sentinel://host:port[,host:port]/db#master}, in Lettuce's syntax (so its query
 *       parameters work too); conflicts with {@code endpoint}, {@code port} and {@code db}</li>
 *   <li>{@code cluster}: the seed nodes of a Redis Cluster, a list or a comma-separated string of
 *       {@code host:port}</li>
 *   <li>{@code username}, {@code password}: ACL user (or the {@code requirepass} password alone)</li>
 *   <li>TLS: {@code ca_cert} (a PEM file of the CA to trust) or {@code truststore} and
 *       {@code truststore_password} (a JKS or PKCS12 file); otherwise the JDK's trust store;
 *       {@code verify_peer} ({@code true}: check the certificate and the host name)</li>
 *   <li>{@code connect_timeout}: how long connecting may take, at setup and on reconnects
 *       (10 s). Each command is bounded by the cache's
 *       {@link CacheConfig#operationTimeout() operation timeout}, which {@code timeout} sets (in
 *       a map, as a builder option, or as the {@code timeout} query parameter of a URI).</li>
 * </ul>
 *
 * <p>The caches of one {@link io.zodiac.cache.CacheManager} share Lettuce's event loops, and the
 * caches of one manager on one endpoint (equal connection options) share one Lettuce client, one
 * pub/sub connection and, when their operation timeouts are equal, one data connection (see
 * {@link RedisEndpoint}); the connections are named {@code zodiac-cache} in {@code CLIENT LIST}.
 * Shutting down one cache leaves the others' connections open; the last cache of an endpoint
 * closes them. Setup connects (or reuses the endpoint's connections) and fails when Redis cannot
 * be reached or refuses the credentials; afterwards connections come back by themselves.
 */
public final class RedisBackendProvider implements BackendProvider {

    private static final Set<String> OPTIONS = RedisSettings.OPTIONS;

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public RedisBackendProvider() {
    }

    /** {@code "redis"}. */
    @Override
    public String name() {
        return "redis";
    }

    /** The options listed in the class description. */
    /**
     * The largest value a cache on Redis stores unless {@code max_value_size} says otherwise:
     * 16 MiB. Redis itself takes up to 512 MB ({@code proto-max-bulk-len}), but a value that
     * large blocks the server, and every client of the connection behind it, while it moves.
     */
    public static final long DEFAULT_MAX_VALUE_SIZE = 16L * 1024 * 1024;

    @Override
    public long defaultMaxValueSize() {
        return DEFAULT_MAX_VALUE_SIZE;
    }

    @Override
    public Set<String> options() {
        return OPTIONS;
    }

    /** Checks the options without connecting. */
    @Override
    public void validate(CacheConfig config) {
        RedisSettings.from(config);
    }

    /**
     * Attaches the cache to the manager's connections to its endpoint (connecting them if no cache
     * of the manager uses that endpoint yet) and subscribes to its release channel, returning once
     * Redis confirmed the subscription.
     *
     * @throws ZodiacCacheException when Redis cannot be reached or refuses the connection
     */
    @Override
    public Backend create(BackendContext context) {
        RedisSettings settings = RedisSettings.from(context.config());
        Namespace namespace = new Namespace(context.namespace());
        RedisEndpoints endpoints = RedisEndpoints.of(context.resources());
        try {
            return new RedisBackend(context.cacheName(), namespace,
                    endpoints.attach(settings, context.config().operationTimeout(), namespace.releaseChannel()));
        } catch (RuntimeException e) {
            throw new ZodiacCacheException("Cache '" + context.cacheName() + "': cannot connect to " + settings.describe()
                    + ": " + reason(e), e);
        }
    }

    /** The innermost message, which carries Redis's own words ({@code WRONGPASS ...}). */
    private static String reason(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM")) {
            return message + " (check the options 'username' and 'password', or the credentials in 'uri')";
        }
        return message;
    }
}
