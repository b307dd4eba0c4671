package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.CacheConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which caches share an endpoint's connections: equal connection settings, however they are spelled. */
class RedisEndpointKeyTest {

    private static String key(CacheConfig.Builder config) {
        return RedisSettings.from(config.backend("redis").build()).endpointKey();
    }

    private static CacheConfig.Builder node() {
        return CacheConfig.builder().option("endpoint", "10.0.0.5").option("port", 6380);
    }

    @Test
    void oneServerGivenByEndpointOrByUriIsOneEndpoint() {
        assertThat(key(node())).isEqualTo(key(CacheConfig.builder().option("uri", "redis://10.0.0.5:6380/0")))
                .isEqualTo(key(node().option("db", 0)));
        assertThat(key(node().option("username", "app").option("password", "pw")))
                .isEqualTo(key(CacheConfig.builder().option("uri", "redis://app:pw@10.0.0.5:6380")));
    }

    @Test
    void anotherDatabaseCredentialTlsOrConnectTimeoutIsAnotherEndpoint() {
        String plain = key(node());
        assertThat(key(node().option("db", 1))).isNotEqualTo(plain);
        assertThat(key(node().option("password", "pw"))).isNotEqualTo(plain).isNotEqualTo(key(node().option("password", "pw2")));
        assertThat(key(node().option("username", "a").option("password", "pw")))
                .isNotEqualTo(key(node().option("username", "b").option("password", "pw")));
        assertThat(key(node().option("ssl", true))).isNotEqualTo(plain);
        assertThat(key(node().option("ssl", true).option("verify_peer", false))).isNotEqualTo(key(node().option("ssl", true)));
        assertThat(key(node().option("connect_timeout", Duration.ofSeconds(2)))).isNotEqualTo(plain);
        assertThat(key(CacheConfig.builder().option("cluster", "10.0.0.5:6380"))).isNotEqualTo(plain);
    }

    @Test
    void theKeyNamesNoPassword() {
        // the key names the shared resource in log messages
        assertThat(key(node().option("username", "app").option("password", "s3cret-pw"))).doesNotContain("s3cret-pw");
        assertThat(key(CacheConfig.builder().option("uri", "redis://app:s3cret-pw@127.0.0.1:6379/0"))).doesNotContain("s3cret-pw");
    }

    @Test
    void theOperationTimeoutDoesNotMakeAnotherEndpoint() {
        assertThat(key(node().operationTimeout(Duration.ofMillis(100)))).isEqualTo(key(node()));
    }
}
