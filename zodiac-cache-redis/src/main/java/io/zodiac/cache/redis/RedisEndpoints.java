package io.zodiac.cache.redis;

import io.lettuce.core.resource.ClientResources;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.zodiac.cache.spi.SharedResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis endpoints in use by the caches of one {@link io.zodiac.cache.CacheManager}, kept in the
 * manager's {@link SharedResources}: caches whose connection settings are equal (the same URIs or
 * cluster seeds, database, credentials, TLS settings and connect timeout, see
 * {@link RedisSettings#endpointKey()}) share one {@link RedisEndpoint}, counted by reference. The
 * last cache to let go of an endpoint closes it; the manager's shutdown closes what is left.
 */
final class RedisEndpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEndpoints.class);
    private static final String NAME = "zodiac.redis.endpoints";

    private final ClientResources resources;
    private final Map<String, RedisEndpoint> endpoints = new HashMap<>();

    private RedisEndpoints(ClientResources resources) {
        this.resources = resources;
    }

    /**
     * The manager's endpoints, created on first use after the manager's Lettuce resources, so that
     * the manager's shutdown closes them first.
     */
    static RedisEndpoints of(SharedResources shared) {
        ClientResources resources = LettuceResources.of(shared);
        return shared.computeIfAbsent(NAME, RedisEndpoints.class, () -> new RedisEndpoints(resources));
    }

    /**
     * Attaches a cache to the endpoint of {@code settings}, creating it first if no cache of the
     * manager uses it yet. Does not wait for Redis: the endpoint connects in the background.
     *
     * @param operationTimeout the cache's operation timeout: its data connection's command timeout
     * @param channel the release channel of the cache's namespace
     */
    synchronized RedisEndpoint.Attachment attach(RedisSettings settings, Duration operationTimeout, String channel) {
        RedisEndpoint endpoint = endpoints.computeIfAbsent(settings.endpointKey(),
                key -> RedisEndpoint.create(settings, resources));
        return endpoint.attach(this, operationTimeout, channel);
    }

    /** Called by {@link RedisEndpoint.Attachment#close()} under this object's lock. */
    CompletableFuture<Void> detach(RedisEndpoint.Attachment attachment) {
        RedisEndpoint endpoint = attachment.endpoint();
        if (!endpoints.containsValue(endpoint) || !endpoint.detach(attachment)) {
            return CompletableFuture.completedFuture(null);
        }
        endpoints.values().remove(endpoint);
        return endpoint.close();
    }

    /** The number of endpoints open (for tests). */
    synchronized int size() {
        return endpoints.size();
    }

    /**
     * Closes the endpoints still open, waiting for them unless called from one of Lettuce's threads
     * (which would wait for itself).
     */
    @Override
    public void close() throws Exception {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        synchronized (this) {
            for (RedisEndpoint endpoint : endpoints.values()) {
                closing.add(endpoint.close());
            }
            endpoints.clear();
        }
        if (!closing.isEmpty()) {
            LOG.debug("Closing {} Redis endpoint(s) left open by their caches", closing.size());
        }
        CompletableFuture<Void> closed = CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            closed.get(5, TimeUnit.SECONDS);
        }
    }
}
