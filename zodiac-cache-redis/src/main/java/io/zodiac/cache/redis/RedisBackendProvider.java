package io.zodiac.cache.redis;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendContext;
import io.zodiac.cache.spi.BackendProvider;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.NearCache;
import java.time.Duration;
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
 *   <li>{@code connect_timeout}: how long each connection attempt may take, the first ones and
 *       reconnects alike (10 s). Each command is bounded by the cache's
 *       {@link CacheConfig#operationTimeout() operation timeout}, which {@code timeout} sets (in
 *       a map, as a builder option, or as the {@code timeout} query parameter of a URI).</li>
 * </ul>
 *
 * <p>The caches of one {@link io.zodiac.cache.CacheManager} share Lettuce's event loops, and the
 * caches of one manager on one endpoint (equal connection options) share one Lettuce client, one
 * pub/sub connection and, when their operation timeouts are equal, one data connection (see
 * {@link RedisEndpoint}); the connections are named {@code zodiac-cache} in {@code CLIENT LIST}.
 * Shutting down one cache leaves the others' connections open; the last cache of an endpoint
 * closes them.
 *
 * <p><b>Connecting.</b> Reaching the server is not configuration: setup checks the options (a bad
 * URI, an unknown option or a bad value fails it) but does not wait for Redis, so an application
 * starts while Redis is down. The connections are made in the background, retried with backoff (at
 * most a second apart) until Redis answers, and come back by themselves after that. A call made
 * before the cache's connection is made waits for it within the operation timeout (so a call right
 * after setup on a healthy server just works), then fails with a
 * {@link io.zodiac.cache.CacheUnavailableException} naming the cache, the server (never the
 * password) and the last connect error; {@code getOrSet} and {@code @Cached} fail open as for any
 * backend error. A server that refuses the credentials is treated alike, as Spring Data Redis's
 * lazily connecting factory does: setup succeeds, every call fails with
 * {@code authentication failed: ...} and the user's name, the refusal is logged once (not per
 * call), and the cache works as soon as the server accepts the credentials.
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

    /**
     * {@code true}: a near cache is kept correct by {@code CLIENT TRACKING} (Redis 6 or later),
     * on a standalone node, a Sentinel-managed master or a Redis Cluster (tracking on each master's
     * connection).
     */
    @Override
    public boolean supportsNearCache() {
        return true;
    }

    /** Checks the options without connecting. */
    @Override
    public void validate(CacheConfig config) {
        RedisSettings.from(config);
    }

    /**
     * Attaches the cache to the manager's connections to its endpoint, which connect in the
     * background: returns at once, whether Redis is up, down or refusing the credentials. Calls
     * made before the cache's connection is made wait for it within the operation timeout, then
     * fail with a {@link io.zodiac.cache.CacheUnavailableException} that names the cache, the
     * server and why connecting failed ({@code authentication failed: WRONGPASS ...}, say).
     *
     * @throws IllegalArgumentException when an option is missing, malformed or in conflict
     */
    @Override
    public Backend create(BackendContext context) {
        RedisSettings settings = RedisSettings.from(context.config());
        Namespace namespace = new Namespace(context.namespace());
        RedisEndpoints endpoints = RedisEndpoints.of(context.resources());
        Duration timeout = context.config().operationTimeout();
        RedisEndpoint.Attachment attachment = endpoints.attach(settings, timeout, namespace.releaseChannel());
        RedisBackend backend = new RedisBackend(context.cacheName(), namespace, attachment, timeout);
        NearCache near = context.config().nearCache();
        if (near == null) {
            return backend;
        }
        return new NearCacheBackend(backend, near, namespace, attachment, context.cacheName(), context.events());
    }
}
