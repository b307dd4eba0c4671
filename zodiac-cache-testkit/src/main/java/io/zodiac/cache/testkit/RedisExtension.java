package io.zodiac.cache.testkit;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs real Redis for a test class: a standalone node, a TLS node, an ACL node, a
 * 3-master cluster or a sentinel setup.
 *
 * <pre>{@code
 * class MyRedisTest {
 *     @RegisterExtension
 *     static final RedisExtension redis = RedisExtension.standalone();
 *
 *     @Test
 *     void works(RedisServer server) {                // parameter injection
 *         RedisClient client = RedisClient.create(redis.uri());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Lifecycle: registered on a {@code static} field, the servers start before the first test of the class
 * ({@code BeforeAll}) and stop after its last ({@code AfterAll}); nested classes share them. On an instance
 * field they start and stop around each test. Before every test (and every nested class) a server left down by
 * a fault test is repaired: paused processes are resumed, stopped or killed ones restarted on the same port
 * (see {@link #ensureRunning()}); data is not flushed. Processes still running when the JVM exits are killed.
 *
 * <p>Parameters of type {@link RedisServer} (standalone, TLS, ACL), {@link RedisCluster} (cluster) or
 * {@link RedisSentinel} (sentinel) are injected into test, lifecycle and constructor parameters. With two
 * extensions of the same kind in one class, use the fields instead (JUnit reports competing resolvers).
 */
public final class RedisExtension extends LifecycleExtension<Object>
        implements ParameterResolver {

    /** The user name of {@link #acl()} nodes. */
    public static final String ACL_USERNAME = "alice";
    /** The password of {@link #acl()} nodes. */
    public static final String ACL_PASSWORD = "secret";

    private final Class<?> resourceType;

    private RedisExtension(String name, Class<?> resourceType, Supplier<Object> starter) {
        super(new ExtensionLifecycle<>(name, starter, RedisExtension::repair, RedisExtension::close));
        this.resourceType = resourceType;
    }

    /**
     * A plain standalone node ({@link RedisServer#start()}).
     *
     * @return the extension
     */
    public static RedisExtension standalone() {
        return standalone(RedisServer.builder());
    }

    /**
     * A standalone node configured by {@code builder}, e.g.
     * {@code RedisExtension.standalone(RedisServer.builder().config("maxmemory 1mb"))}.
     *
     * @param builder the node's configuration; {@link RedisServer.Builder#start()} is called once per start
     * @return the extension
     */
    public static RedisExtension standalone(RedisServer.Builder builder) {
        return new RedisExtension("Redis standalone node", RedisServer.class, builder::start);
    }

    /**
     * A TLS-only node with a CA generated at test time ({@link RedisServer.Builder#tls()}); see
     * {@link RedisServer#caCertificate()}, {@link RedisServer#truststore()}, {@link RedisServer#sslContext()}.
     * {@link #uri()} is {@code rediss://127.0.0.1:PORT}.
     *
     * @return the extension
     */
    public static RedisExtension tls() {
        return new RedisExtension("Redis TLS node", RedisServer.class, () -> RedisServer.builder().tls().start());
    }

    /**
     * A node with ACL user {@value #ACL_USERNAME} / {@value #ACL_PASSWORD} ({@code ~* &* +@all}) and the
     * {@code default} user switched off, so every client must {@code AUTH alice secret}; see
     * {@link RedisServer#username()}, {@link RedisServer#password()}, {@link RedisServer#uriWithCredentials()}.
     *
     * @return the extension
     */
    public static RedisExtension acl() {
        return new RedisExtension("Redis ACL node", RedisServer.class,
                () -> RedisServer.builder().user(ACL_USERNAME, ACL_PASSWORD).disableDefaultUser().start());
    }

    /**
     * A cluster of 3 masters without replicas ({@link RedisCluster#start()}).
     *
     * @return the extension
     */
    public static RedisExtension cluster() {
        return new RedisExtension("Redis Cluster", RedisCluster.class, RedisCluster::start);
    }

    /**
     * A master, a replica and a sentinel monitoring {@code mymaster} ({@link RedisSentinel#start()}).
     *
     * @return the extension
     */
    public static RedisExtension sentinel() {
        return new RedisExtension("Redis Sentinel setup", RedisSentinel.class, RedisSentinel::start);
    }

    /**
     * The node of a standalone, TLS or ACL extension.
     *
     * @return the running node
     * @throws IllegalStateException for cluster and sentinel extensions, or before the extension started
     */
    public RedisServer server() {
        return as(RedisServer.class);
    }

    /**
     * The cluster of a {@link #cluster()} extension.
     *
     * @return the running cluster
     * @throws IllegalStateException for other kinds, or before the extension started
     */
    public RedisCluster redisCluster() {
        return as(RedisCluster.class);
    }

    /**
     * The setup of a {@link #sentinel()} extension.
     *
     * @return the running setup
     * @throws IllegalStateException for other kinds, or before the extension started
     */
    public RedisSentinel redisSentinel() {
        return as(RedisSentinel.class);
    }

    /**
     * A URI to hand to a client: {@code redis://127.0.0.1:PORT} (standalone, ACL: without credentials),
     * {@code rediss://127.0.0.1:PORT} (TLS), the first node's URI (cluster; all are in
     * {@link RedisCluster#uris()}) or {@code redis-sentinel://127.0.0.1:SPORT#mymaster} (sentinel).
     *
     * @return the URI
     */
    public String uri() {
        Object resource = lifecycle.get();
        if (resource instanceof RedisCluster cluster) {
            return cluster.uris().get(0);
        }
        if (resource instanceof RedisSentinel sentinel) {
            return sentinel.uri();
        }
        return ((RedisServer) resource).uri();
    }

    /** Supports parameters of this extension's resource type. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == resourceType;
    }

    /** Injects the running resource. */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return lifecycle.get();
    }

    @Override
    public String toString() {
        return "RedisExtension[" + resourceType.getSimpleName() + "]";
    }

    private <T> T as(Class<T> type) {
        if (resourceType != type) {
            throw new IllegalStateException("this extension runs a " + resourceType.getSimpleName() + ", not a "
                    + type.getSimpleName());
        }
        return type.cast(lifecycle.get());
    }

    private static void repair(Object resource) {
        if (resource instanceof RedisServer server) {
            server.ensureRunning();
        } else if (resource instanceof RedisCluster cluster) {
            cluster.ensureRunning();
        } else {
            ((RedisSentinel) resource).ensureRunning();
        }
    }

    private static void close(Object resource) {
        if (resource instanceof RedisServer server) {
            server.close();
        } else if (resource instanceof RedisCluster cluster) {
            cluster.close();
        } else {
            ((RedisSentinel) resource).close();
        }
    }
}
