package io.zodiac.cache.memcached;

import com.spotify.folsom.guava.HostAndPort;
import com.spotify.folsom.reconnect.AbstractReconnectionListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each outage of a memcached server once, when it starts and when it ends, instead of
 * folsom's warning on every reconnection attempt (one a second while a server is down), and
 * keeps the last connection error for the messages of calls made before the first connection.
 */
final class ReconnectionLog extends AbstractReconnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(ReconnectionLog.class);

    private final Set<HostAndPort> down = ConcurrentHashMap.newKeySet();
    private volatile Throwable lastError;

    /** Why the last connection attempt to any server failed, or {@code null} when none failed. */
    Throwable lastError() {
        return lastError;
    }

    @Override
    public void reconnectionQueuedFromError(Throwable cause, HostAndPort address, long backOffMillis, int attempt) {
        lastError = cause;
        if (down.add(address)) {
            LOG.warn("memcached {} is unreachable ({}); reconnecting every second at most", address, cause.toString());
        } else {
            LOG.debug("memcached {}: reconnection attempt {} in {} ms", address, attempt, backOffMillis);
        }
    }

    @Override
    public void reconnectionSuccessful(HostAndPort address, int attempt, boolean willStayConnected) {
        if (down.remove(address)) {
            LOG.info("memcached {} is reachable again", address);
        }
    }
}
