package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS with the kit's generated CA, and ACL users, end to end; an untrusted certificate and refused
 * credentials do not fail setup but every call, saying why.
 */
class RedisSecureConnectionTest {

    @RegisterExtension
    static final RedisExtension TLS = RedisExtension.tls();
    @RegisterExtension
    static final RedisExtension ACL = RedisExtension.acl();

    /** The operation timeout of the caches whose calls fail: how long each call waits for a connection. */
    private static final Duration QUICK = Duration.ofMillis(300);

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private static void assertRoundTrip(ZodiacCache cache) {
        assertThat(cache.blocking().set("k", Map.of("secure", true))).isTrue();
        assertThat(cache.blocking().get("k")).isEqualTo(Map.of("secure", true));
        assertThat(cache.blocking().getOrSet("produced", () -> "once")).isEqualTo("once");
    }

    @Test
    void redissUriWithTheCaCertificate() {
        RedisServer tls = TLS.server();
        ZodiacCache cache = manager.setup("tls", CacheConfig.fromUri(tls.uri())
                .option("ca_cert", tls.caCertificate().toString()).build());

        assertRoundTrip(cache);
        assertThat(tls.command("GET", "zodiac_cache:tls:k")).isEqualTo("{\"secure\":true}");
    }

    @Test
    void endpointWithSslAndATruststore() {
        RedisServer tls = TLS.server();
        ZodiacCache cache = manager.setup("tls", CacheConfig.builder().backend("redis")
                .option("endpoint", tls.host()).option("port", tls.port()).option("ssl", true)
                .option("truststore", tls.truststore().toString())
                .option("truststore_password", tls.truststorePassword()).build());

        assertRoundTrip(cache);
    }

    @Test
    void anUntrustedCertificateFailsEveryCallUnlessPeerVerificationIsOff() {
        RedisServer tls = TLS.server();
        ZodiacCache untrusting = manager.setup("tls", CacheConfig.fromUri(tls.uri()).name("untrusting")
                .operationTimeout(QUICK).build());
        // the first TLS handshake of a JVM may take longer than one call waits
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> untrusting.blocking().get("k"))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("Cache 'untrusting': not connected to rediss://127.0.0.1:" + tls.port())
                .hasMessageContaining("certification path"));

        ZodiacCache trusting = manager.setup("tls-trusting", CacheConfig.fromUri(tls.uri()).option("verify_peer", false).build());
        assertRoundTrip(trusting);
    }

    @Test
    void aclUserAndPasswordAsOptionsOrInTheUri() {
        RedisServer acl = ACL.server();
        ZodiacCache byOptions = manager.setup("acl", CacheConfig.fromMap(Map.of("cache", "redis", "name", "options",
                "endpoint", acl.host(), "port", acl.port(), "username", acl.username(), "password", acl.password())));
        try (CacheManager other = new CacheManager()) {
            ZodiacCache byUri = other.setup("acl", CacheConfig.fromUri(acl.uriWithCredentials()).name("uri").build());

            assertRoundTrip(byOptions);
            assertThat(byUri.blocking().get("k")).isEqualTo(Map.of("secure", true));
        }
    }

    /**
     * The issue this holds: a password-protected Redis reached without a password said
     * "RedisHandshakeHandler not registered". It says that authentication failed, for which cache.
     */
    @Test
    void aPasswordProtectedServerReachedWithoutAPasswordSaysAuthenticationFailedForWhichCache() {
        RedisServer acl = ACL.server();
        ZodiacCache cache = manager.setup("acl", CacheConfig.fromUri(acl.uri()).name("sessions")
                .operationTimeout(QUICK).build());

        assertThatThrownBy(() -> cache.blocking().get("k"))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("Cache 'sessions'")
                .hasMessageContaining("authentication failed: NOAUTH")
                .hasMessageContaining("'password'")
                .hasMessageNotContaining("RedisHandshakeHandler");
        assertThat(cache.blocking().getOrSet("k", () -> "from the source")).as("getOrSet fails open")
                .isEqualTo("from the source");
    }

    /**
     * A server that refuses the credentials does not fail setup (as with Spring Data Redis's lazily
     * connecting factory, an application starts): every call says so, naming the cache and the
     * user, never the password, and the cache works as soon as the server accepts the password,
     * without another setup (a password rotated on the server after the application's).
     */
    @Test
    void aRefusedPasswordFailsEveryCallNamingTheUserUntilTheServerAcceptsIt() {
        RedisServer acl = ACL.server();
        String rotated = "rotated-" + UUID.randomUUID();
        ZodiacCache cache = manager.setup("acl", CacheConfig.builder().backend("redis").name("sessions")
                .option("endpoint", acl.host()).option("port", acl.port())
                .option("username", acl.username()).option("password", rotated).operationTimeout(QUICK).build());
        assertThat(manager.isSetUp("sessions")).isTrue();

        for (Throwable failure : List.of(catchThrowable(() -> cache.blocking().get("k")),
                catchThrowable(() -> cache.blocking().set("k", "v")))) {
            assertThat(failure).isInstanceOf(CacheUnavailableException.class)
                    .hasMessageContaining("Cache 'sessions': not connected to redis://127.0.0.1:" + acl.port()
                            + "/0 as user '" + acl.username() + "'")
                    .hasMessageContaining("authentication failed: WRONGPASS")
                    .hasMessageContaining("'password'")
                    .hasMessageNotContaining(rotated);
        }

        acl.command("ACL", "SETUSER", acl.username(), ">" + rotated);
        try {
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(cache.blocking().set("k", "v")).isTrue());
            assertThat(cache.blocking().get("k")).isEqualTo("v");
        } finally {
            acl.command("ACL", "SETUSER", acl.username(), "<" + rotated);
        }
    }
}
