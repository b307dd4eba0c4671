package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a connector keeps of failed attempts: the reason a user can act on. Lettuce can lose the
 * server's refusal in a race with the closing channel ("RedisHandshakeHandler not registered", seen
 * on a loaded machine); that failure neither hides the refusal seen before it nor waits a backoff.
 */
class ConnectorTest {

    private static final Throwable WRONGPASS = new RedisConnectionException("Unable to connect",
            new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled."));
    private static final Throwable LOST = new RedisConnectionException("Unable to connect",
            new IllegalStateException("RedisHandshakeHandler not registered"));

    private ClientResources resources;
    private Connector<StatefulRedisConnection<String, String>> connector;

    @AfterEach
    void close() {
        if (connector != null) {
            connector.close();
        }
        resources.shutdown();
    }

    /** Starts a connector whose attempts fail with {@code failures} in turn, then never finish. */
    private AtomicInteger start(Duration backoff, Throwable... failures) {
        resources = ClientResources.builder().reconnectDelay(Delay.constant(backoff)).build();
        Queue<Throwable> left = new ArrayDeque<>(List.of(failures));
        AtomicInteger attempts = new AtomicInteger();
        connector = new Connector<>("test", () -> {
            attempts.incrementAndGet();
            Throwable failure = left.poll();
            CompletionStage<StatefulRedisConnection<String, String>> pending = failure == null ? new CompletableFuture<>()
                    : CompletableFuture.failedFuture(failure);
            return pending;
        }, resources, made -> { });
        connector.start();
        return attempts;
    }

    @Test
    void aLostHandshakeKeepsTheRefusalSeenBeforeIt() {
        AtomicInteger attempts = start(Duration.ofMillis(1), WRONGPASS, LOST, LOST);

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 4);
        assertThat(ConnectFailures.reason(connector.lastError())).startsWith("authentication failed: WRONGPASS");
    }

    @Test
    void aLostHandshakeIsAskedAgainAtOnceNotAfterTheBackoff() {
        AtomicInteger attempts = start(Duration.ofHours(1), LOST, WRONGPASS);

        await().atMost(Duration.ofSeconds(10)).until(() -> connector.lastError() == WRONGPASS);
        assertThat(attempts).hasValue(2);
        assertThat(ConnectFailures.reason(connector.lastError())).startsWith("authentication failed: WRONGPASS");
    }

    @Test
    void aLostHandshakeIsAskedAgainAtOnceOnlyOnceInARow() {
        AtomicInteger attempts = start(Duration.ofHours(1), LOST, LOST, LOST);

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 2 && connector.lastError() != null);
        // the second lost handshake waits the (hour-long) backoff: no third attempt comes
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 2);
        assertThat(ConnectFailures.reason(connector.lastError())).startsWith("authentication failed: the server closed");
    }

    @Test
    void aNewKindOfFailureReplacesTheOneBefore() {
        Throwable refused = new RedisConnectionException("Unable to connect", new ConnectException("refused"));
        AtomicInteger attempts = start(Duration.ofMillis(1), WRONGPASS, refused);

        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 3);
        assertThat(ConnectFailures.reason(connector.lastError())).isEqualTo("cannot reach the server: refused");
    }
}
