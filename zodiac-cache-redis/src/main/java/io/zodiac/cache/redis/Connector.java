package io.zodiac.cache.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.concurrent.ScheduledFuture;
import io.zodiac.cache.spi.ConnectionGate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one connection of an endpoint in the background: attempts are retried with Lettuce's
 * reconnect backoff (see {@link LettuceResources}) until one succeeds, or until {@link #close()}.
 * Lettuce's {@code autoReconnect} only takes over once a connection was made; this is what makes
 * the first one, so that a cache can be set up while its server is down.
 *
 * <p>A failing endpoint is logged once when it starts failing (and again when the kind of failure
 * changes, from a refused connection to refused credentials, say), not on every attempt; the first success after a failure is logged too. Calls that need the
 * connection wait on its {@link #gate()}.
 *
 * @param <C> the kind of connection
 */
final class Connector<C extends StatefulConnection<?, ?>> {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    private final String what;
    private final Supplier<CompletionStage<C>> attempt;
    private final ClientResources resources;
    private final Delay backoff;
    private final Consumer<C> onConnected;
    private final ConnectionGate gate = new ConnectionGate();

    private volatile C connection;
    private volatile Throwable lastError;
    /** Guarded by this. */
    private boolean closed;
    private int attempts;
    /** Whether the last attempt was retried without the backoff (an inconclusive failure). */
    private boolean retriedAtOnce;
    /** The kind of failure last logged ({@link ConnectFailures#kind}), {@code null} while none was. */
    private String loggedKind;
    private ScheduledFuture<?> next;

    /**
     * @param what the connection and where it goes, for the log (no credentials)
     * @param attempt starts one connection attempt
     * @param onConnected told the connection once it is made, before the gate opens
     */
    Connector(String what, Supplier<CompletionStage<C>> attempt, ClientResources resources, Consumer<C> onConnected) {
        this.what = what;
        this.attempt = attempt;
        this.resources = resources;
        this.backoff = resources.reconnectDelay();
        this.onConnected = onConnected;
    }

    /** Starts the first attempt; returns at once. */
    void start() {
        attempt();
    }

    private void attempt() {
        synchronized (this) {
            if (closed) {
                return;
            }
            attempts++;
        }
        CompletionStage<C> pending;
        try {
            pending = attempt.get();
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        pending.whenComplete((made, error) -> {
            if (error == null) {
                connected(made);
            } else {
                failed(error);
            }
        });
    }

    private void connected(C made) {
        synchronized (this) {
            if (closed) {
                made.closeAsync();
                return;
            }
            connection = made;
            if (loggedKind != null) {
                LOG.info("Redis {}: connected after {} attempt(s)", what, attempts);
            }
        }
        onConnected.accept(made);
        gate.open();
    }

    private void failed(Throwable error) {
        // kept whole (a TLS failure is an SSLException around the certificate problem), but for the wrapper
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        lastError = ConnectFailures.moreTelling(lastError, cause);
        String reason = ConnectFailures.reason(cause);
        String kind = ConnectFailures.kind(cause);
        synchronized (this) {
            if (closed) {
                return;
            }
            // the server's answer was lost (see ConnectFailures.inconclusive): ask again at once, once in a row
            boolean again = ConnectFailures.inconclusive(cause) && !retriedAtOnce;
            retriedAtOnce = again;
            if (again) {
                LOG.debug("Redis {}: attempt {} failed: {}; retrying at once", what, attempts, reason);
                next = resources.eventExecutorGroup().schedule(this::attempt, 0, TimeUnit.NANOSECONDS);
                return;
            }
            if (!kind.equals(loggedKind)) {
                LOG.warn("Redis {}: {}; retrying in the background", what, reason);
                loggedKind = kind;
            } else {
                LOG.debug("Redis {}: attempt {} failed: {}", what, attempts, reason);
            }
            long delayNanos = backoff.createDelay(attempts).toNanos();
            next = resources.eventExecutorGroup().schedule(this::attempt, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Calls that need the connection wait on it; it opens when the first attempt succeeds. */
    ConnectionGate gate() {
        return gate;
    }

    /**
     * Why the last attempt failed, or {@code null} when none failed (yet); an inconclusive failure
     * (see {@link ConnectFailures#moreTelling}) leaves the reason of the attempt before it.
     */
    Throwable lastError() {
        return lastError;
    }

    /** Stops the attempts and closes the connection, if it was made. */
    CompletableFuture<Void> close() {
        synchronized (this) {
            closed = true;
            if (next != null) {
                next.cancel(false);
            }
        }
        gate.shut(() -> new IllegalStateException("the Redis " + what + " was closed before it was made"));
        C made = connection;
        return made == null ? CompletableFuture.completedFuture(null) : made.closeAsync();
    }
}
