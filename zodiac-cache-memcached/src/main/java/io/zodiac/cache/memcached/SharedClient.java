package io.zodiac.cache.memcached;

import com.spotify.folsom.AsciiMemcacheClient;
import com.spotify.folsom.ExponentialBackoff;
import com.spotify.folsom.MemcacheClientBuilder;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.spi.ConnectionGate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folsom client (text protocol), shared by the caches of a manager that have the same
 * connection settings and closed with the manager. It connects in the background: creating it
 * does not wait for memcached, and folsom keeps trying (at most a second apart) until a server
 * answers, and again after any disconnection, so a cache recovers soon after its memcached is
 * back. Calls wait on its {@link #gate()} until the first connection is made.
 */
final class SharedClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedClient.class);
    private static final long MIN_RECONNECT_MILLIS = 10;
    private static final long MAX_RECONNECT_MILLIS = 1_000;

    private final AsciiMemcacheClient<byte[]> client;
    private final String description;
    private final ReconnectionLog reconnections;
    private final ConnectionGate gate = new ConnectionGate();
    private volatile boolean closed;

    private SharedClient(AsciiMemcacheClient<byte[]> client, String description, ReconnectionLog reconnections) {
        this.client = client;
        this.description = description;
        this.reconnections = reconnections;
    }

    /**
     * Creates the client, which connects in the background; returns at once, whether memcached is
     * up or not. The gate opens once every server is connected; when some are still not after the
     * settings' connect timeout, it opens with those that are (the others' keys fail until the
     * client, which keeps trying, reaches them), or at the first connection when none is, and that
     * is logged once. A request that waits longer than the request timeout (the cache's operation
     * timeout) marks its connection dead, and the client opens it again.
     */
    static SharedClient connect(MemcachedSettings settings) {
        ReconnectionLog reconnections = new ReconnectionLog();
        MemcacheClientBuilder<byte[]> builder = MemcacheClientBuilder.newByteArrayClient()
                .withConnections(settings.connections())
                .withConnectionTimeoutMillis(settings.requestTimeout().toMillis())
                .withBackoff(new ExponentialBackoff(MIN_RECONNECT_MILLIS, MAX_RECONNECT_MILLIS, 2))
                .withReconnectionListener(reconnections);
        settings.servers().forEach(server -> builder.withAddress(server.host(), server.port()));
        SharedClient shared = new SharedClient(builder.connectAscii(), "memcached " + settings.servers(),
                reconnections);
        shared.client.fullyConnectedFuture().thenRun(shared.gate::open);
        CompletableFuture.delayedExecutor(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> shared.afterConnectTimeout(settings.connectTimeout()));
        return shared;
    }

    private void afterConnectTimeout(Duration connectTimeout) {
        if (gate.isOpen() || closed) {
            return;
        }
        if (client.isConnected()) {
            LOG.warn("{}: {} of {} connections are up after {} ms (option 'connect_timeout'); using them, the client "
                    + "keeps trying the others", description, client.numActiveConnections(), client.numTotalConnections(),
                    connectTimeout.toMillis());
            gate.open();
        } else {
            LOG.warn("{} is not reachable after {} ms (option 'connect_timeout'); still connecting in the background, "
                    + "calls fail until then", description, connectTimeout.toMillis());
            client.connectFuture().thenRun(gate::open);
        }
    }

    AsciiMemcacheClient<byte[]> client() {
        return client;
    }

    /** Open once the client first connected; calls wait on it until then. */
    ConnectionGate gate() {
        return gate;
    }

    /**
     * The error of a call of cache {@code cache} that waited {@code waited} for the first
     * connection in vain: the cache, the servers and folsom's last connection failure.
     */
    CacheUnavailableException notConnected(String cache, Duration waited) {
        Throwable last = reconnections.lastError();
        if (last == null) {
            last = client.getConnectionFailure();
        }
        while (last != null && last.getCause() != null && last.getCause() != last) {
            last = last.getCause();
        }
        String why = last == null ? "the first connection attempt has not finished"
                : "cannot reach the server: " + (last.getMessage() != null ? last.getMessage() : last.toString());
        return new CacheUnavailableException("Cache '" + cache + "': not connected to " + description + " after waiting "
                + waited.toMillis() + " ms: " + why + "; still connecting in the background", last);
    }

    /** Stops the client, with its reconnection attempts. */
    @Override
    public void close() {
        closed = true;
        gate.shut(() -> new IllegalStateException(description + ": the client was closed before it connected"));
        client.shutdown();
    }
}
