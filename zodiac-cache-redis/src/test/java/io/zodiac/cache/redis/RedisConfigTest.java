package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad Redis settings fail {@code setup} before connecting, naming the option; nothing is registered. */
class RedisConfigTest {

    private final CacheManager manager = new CacheManager();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        manager.close();
    }

    private static CacheConfig.Builder redis() {
        return CacheConfig.builder().backend("redis");
    }

    private void assertRejected(CacheConfig config, String... messageParts) {
        assertThatThrownBy(() -> manager.setup("cfg", config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts);
        assertThat(manager.isSetUp(config.name())).isFalse();
    }

    @Test
    void theEndpointIsRequiredWithoutUriOrCluster() {
        assertRejected(redis().build(), "option 'endpoint' is required");
        assertRejected(CacheConfig.fromMap(Map.of("cache", "redis", "port", 6379)), "'endpoint'");
    }

    @Test
    void thePortMustBeAPortNumber() {
        assertRejected(redis().option("endpoint", "127.0.0.1").option("port", 0).build(), "option 'port'");
        assertRejected(redis().option("endpoint", "127.0.0.1").option("port", 70000).build(), "option 'port'");
        assertRejected(CacheConfig.fromMap(Map.of("cache", "redis", "endpoint", "127.0.0.1", "port", "abc")),
                "option 'port'");
    }

    @Test
    void numbersAndFlagsAreChecked() {
        assertRejected(redis().option("endpoint", "h").option("db", -1).build(), "option 'db'");
        assertRejected(redis().option("endpoint", "h").option("ssl", "yes").build(), "option 'ssl'");
        assertRejected(redis().option("endpoint", "h").option("connect_timeout", 0).build(), "option 'connect_timeout'");
        assertRejected(redis().option("endpoint", "h").option("connect_timeout", "soon").build(),
                "option 'connect_timeout' must be a positive duration", "got 'soon'");
    }

    @Test
    void connectTimeoutHasItsOwnNameAndTimeoutIsTheOperationTimeout() {
        assertThat(RedisSettings.from(redis().option("endpoint", "h").build()).connectTimeout())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(RedisSettings.from(redis().option("endpoint", "h").option("connect_timeout", "2s").build())
                .connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        for (CacheConfig config : List.of(
                redis().option("endpoint", "h").option("timeout", 2).build(),
                CacheConfig.fromMap(Map.of("cache", "redis", "endpoint", "h", "timeout", 2)),
                CacheConfig.fromUri("redis://h:6379/0?timeout=2s").build())) {
            assertThat(config.operationTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(config.options()).doesNotContainKey("timeout");
            assertThat(RedisSettings.from(config).connectTimeout()).as("unchanged by timeout")
                    .isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void settingsThatContradictEachOtherAreRejected() {
        assertRejected(CacheConfig.fromUri("redis://127.0.0.1:6379").option("endpoint", "h").build(),
                "option 'endpoint' conflicts with option 'uri'");
        assertRejected(CacheConfig.fromUri("redis://127.0.0.1:6379").option("port", 6380).build(), "'port'", "'uri'");
        assertRejected(CacheConfig.fromUri("redis://127.0.0.1:6379").option("ssl", true).build(), "'ssl'", "'uri'");
        assertRejected(CacheConfig.fromUri("redis://u:p@127.0.0.1:6379").option("password", "q").build(),
                "'password'", "'uri'");
        assertRejected(CacheConfig.fromUri("redis://127.0.0.1:6379").option("cluster", "h:7000").build(),
                "option 'cluster' conflicts with option 'uri'");
        assertRejected(redis().option("cluster", "h:7000").option("endpoint", "h").build(),
                "option 'endpoint' conflicts with option 'cluster'");
        assertRejected(redis().option("cluster", "h:7000").option("db", 1).build(), "option 'db'", "cluster");
        assertRejected(redis().option("endpoint", "h").option("username", "alice").build(),
                "option 'username' needs option 'password'");
    }

    @Test
    void uriAndClusterSeedsMustBeWellFormed() {
        assertRejected(CacheConfig.fromUri("redis-sentinel://127.0.0.1:26379").build(), "option 'uri'", "master");
        assertRejected(CacheConfig.fromUri("redis://:6379").build(), "option 'uri'");
        assertRejected(redis().option("cluster", "h:7000,h:notaport").build(), "option 'cluster'", "h:notaport");
        assertRejected(redis().option("cluster", List.of()).build(), "option 'cluster'");
    }

    @Test
    void tlsOptionsNeedTlsAndOneSourceOfTrust() throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), "not used");
        Path store = Files.writeString(dir.resolve("trust.p12"), "not used");
        assertRejected(redis().option("endpoint", "h").option("ca_cert", pem.toString()).build(),
                "option 'ca_cert' needs TLS");
        assertRejected(redis().option("endpoint", "h").option("verify_peer", false).build(),
                "option 'verify_peer' needs TLS");
        assertRejected(redis().option("endpoint", "h").option("ssl", true).option("ca_cert", pem.toString())
                .option("truststore", store.toString()).build(), "option 'ca_cert' conflicts with option 'truststore'");
        assertRejected(redis().option("endpoint", "h").option("ssl", true).option("truststore_password", "x").build(),
                "option 'truststore_password' needs option 'truststore'");
        assertRejected(CacheConfig.fromUri("rediss://h:6379").option("ca_cert", dir.resolve("missing.pem").toString())
                .build(), "option 'ca_cert'", "no such file");
    }

    @Test
    void unknownOptionsAreRejectedWithTheAcceptedOnes() {
        assertRejected(redis().option("endpoint", "h").option("hostname", "h").build(), "hostname", "cluster",
                "ca_cert", "verify_peer");
    }
}
