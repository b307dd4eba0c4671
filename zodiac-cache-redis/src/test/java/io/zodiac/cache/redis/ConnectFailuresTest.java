package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The words a cache uses for a failed connection, whatever shape Lettuce gives the failure: the
 * shapes below are the ones Lettuce 7 produces (a refusal reached through the handshake, one
 * reported per cluster seed, one lost in a race with the closing channel).
 */
class ConnectFailuresTest {

    @Test
    void aRefusedPasswordIsAnAuthenticationFailureInRedisWords() {
        Throwable error = new RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>:6379",
                new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled."));

        assertThat(ConnectFailures.reason(error)).isEqualTo("authentication failed: WRONGPASS invalid username-password "
                + "pair or user is disabled. (check the options 'username' and 'password', or the credentials in 'uri')");
        assertThat(ConnectFailures.kind(error)).isEqualTo("authentication");
    }

    @Test
    void aRefusalReportedForOneClusterSeedIsFoundToo() {
        RedisException error = new RedisException("Cannot retrieve cluster partitions from [redis://127.0.0.1:7000]\n\n"
                + "Details:\n\t[redis://127.0.0.1:7000]: NOAUTH HELLO must be called with the client already authenticated");

        assertThat(ConnectFailures.reason(error)).startsWith("authentication failed: NOAUTH HELLO must be called");
    }

    /** What a password-protected Redis reached without a password said before: no word of authentication. */
    @Test
    void theHandshakeRaceOfLettuceIsReportedAsAnAuthenticationFailure() {
        Throwable error = new IllegalStateException("RedisHandshakeHandler not registered");

        assertThat(ConnectFailures.reason(error)).startsWith("authentication failed: the server closed the connection "
                + "during the handshake").doesNotContain("RedisHandshakeHandler");
    }

    @Test
    void anUnreachableServerIsNamedAsSuchWithTheFirstLineOfTheSocketError() {
        Throwable error = new RedisConnectionException("Unable to connect to 127.0.0.1/<unresolved>:1",
                new ConnectException("Connection refused"));

        assertThat(ConnectFailures.reason(error)).isEqualTo("cannot reach the server: Connection refused");
        assertThat(ConnectFailures.notConnected("sessions", "redis://127.0.0.1:1/0", Duration.ofMillis(500), error))
                .hasMessage("Cache 'sessions': not connected to redis://127.0.0.1:1/0 after waiting 500 ms: cannot reach "
                        + "the server: Connection refused; still connecting in the background")
                .hasCause(error);
        assertThat(ConnectFailures.notConnected("sessions", "redis://127.0.0.1:1/0", Duration.ofMillis(500), null))
                .hasMessageContaining("the first connection attempt has not finished");
    }
}
