package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.ZodiacCacheException;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS with the kit's generated CA, and ACL users, end to end. */
class RedisSecureConnectionTest {

    @RegisterExtension
    static final RedisExtension TLS = RedisExtension.tls();
    @RegisterExtension
    static final RedisExtension ACL = RedisExtension.acl();

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
    void anUntrustedCertificateFailsSetupUnlessPeerVerificationIsOff() {
        RedisServer tls = TLS.server();
        assertThatThrownBy(() -> manager.setup("tls", CacheConfig.fromUri(tls.uri())
                .option("connect_timeout", Duration.ofSeconds(3)).build()))
                .isInstanceOf(ZodiacCacheException.class)
                .hasMessageContaining("cannot connect to rediss://127.0.0.1:" + tls.port())
                .hasMessageContaining("certification path");

        ZodiacCache trusting = manager.setup("tls", CacheConfig.fromUri(tls.uri()).option("verify_peer", false).build());
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

    @Test
    void aWrongPasswordFailsSetupWithRedisReasonAndTheOptionsToCheck() {
        RedisServer acl = ACL.server();
        assertThatThrownBy(() -> manager.setup("acl", CacheConfig.builder().backend("redis")
                .option("endpoint", acl.host()).option("port", acl.port())
                .option("username", acl.username()).option("password", "wrong").build()))
                .isInstanceOf(ZodiacCacheException.class)
                .hasMessageContaining("as user '" + acl.username() + "'")
                .hasMessageContaining("WRONGPASS")
                .hasMessageContaining("'password'")
                .hasMessageNotContaining("wrong");
        assertThat(manager.isSetUp("default")).isFalse();
    }
}
