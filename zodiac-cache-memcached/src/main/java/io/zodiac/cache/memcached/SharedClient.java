package io.zodiac.cache.memcached;

import com.spotify.folsom.AsciiMemcacheClient;
import com.spotify.folsom.ConnectFuture;
import com.spotify.folsom.ExponentialBackoff;
import com.spotify.folsom.MemcacheClientBuilder;
import io.zodiac.cache.ZodiacCacheException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folsom client (text protocol), shared by the caches of a manager that have the same
 * connection settings and closed with the manager. It reconnects by itself, retrying at most a
 * second apart, so a cache recovers soon after its memcached is back.
 */
final class SharedClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedClient.class);
    private static final long MIN_RECONNECT_MILLIS = 10;
    private static final long MAX_RECONNECT_MILLIS = 1_000;

    private final AsciiMemcacheClient<byte[]> client;

    private SharedClient(AsciiMemcacheClient<byte[]> client) {
        this.client = client;
    }

    /**
     * Creates the client and waits up to the settings' connect timeout for its connections. A
     * request that waits longer than the request timeout (the cache's operation timeout) marks
     * its connection dead, and the client opens it again. Some servers
     * of several may be down (the others take their keys, and the client keeps trying them); none
     * reachable fails.
     *
     * @throws ZodiacCacheException when no server can be reached in time
     */
    static SharedClient connect(MemcachedSettings settings) {
        MemcacheClientBuilder<byte[]> builder = MemcacheClientBuilder.newByteArrayClient()
                .withConnections(settings.connections())
                .withConnectionTimeoutMillis(settings.requestTimeout().toMillis())
                .withBackoff(new ExponentialBackoff(MIN_RECONNECT_MILLIS, MAX_RECONNECT_MILLIS, 2))
                .withReconnectionListener(new ReconnectionLog());
        settings.servers().forEach(server -> builder.withAddress(server.host(), server.port()));
        AsciiMemcacheClient<byte[]> client = builder.connectAscii();
        try {
            ConnectFuture.fullyConnectedFuture(client).toCompletableFuture()
                    .get(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            if (!client.isConnected()) {
                client.shutdown();
                throw new ZodiacCacheException("memcached " + settings.servers() + " cannot be reached within "
                        + settings.connectTimeout().toMillis() + " ms (option 'connect_timeout')", e);
            }
            LOG.warn("memcached: {} of {} connections are up; the client keeps trying the others",
                    client.numActiveConnections(), client.numTotalConnections());
        } catch (InterruptedException e) {
            client.shutdown();
            Thread.currentThread().interrupt();
            throw new ZodiacCacheException("interrupted while connecting to memcached " + settings.servers(), e);
        }
        return new SharedClient(client);
    }

    AsciiMemcacheClient<byte[]> client() {
        return client;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
