package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The inspection commands against a TLS-only redis-server whose certificate is signed by a CA of the test's own:
 * trusted as the application configures it ({@code ca_cert}, {@code verify_peer}), for the cache operations and
 * for the server's counters alike.
 */
class RedisTlsCommandsTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.tls();

    private static final CacheManager APP = new CacheManager();

    @BeforeAll
    static void storeWhatAnApplicationWould(RedisServer server) {
        APP.setup("app", CacheConfig.fromUri(REDIS.uri()).option("ca_cert", server.caCertificate().toString())
                .build()).blocking().set("greeting", "hello");
    }

    @AfterAll
    static void closeTheApplication() {
        APP.close();
    }

    private static Cli.Result cli(String... args) {
        return Cli.run(Map.of("ZODIAC_CACHE_BACKEND", REDIS.uri(), "ZODIAC_CACHE_NAMESPACE", "app"), args);
    }

    @Test
    void getAndStatsTrustTheServerThroughCaCert(RedisServer server) {
        String caCert = "ca_cert=" + server.caCertificate();

        Cli.Result get = cli("get", "greeting", "--option", caCert);
        Cli.Result stats = cli("stats", "--probes", "3", "-o", caCert);

        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo("\"hello\"\n");
        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.stdout())
                .contains("server " + server.address() + " (redis ")
                .containsPattern("hits / misses +[0-9,]+ / [0-9,]+")
                .doesNotContain("not available");
    }

    @Test
    void statsWithoutPeerVerificationConnectsToAnyCertificate(RedisServer server) {
        Cli.Result stats = cli("stats", "--probes", "1", "-o", "verify_peer=false");

        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.stdout()).contains("server " + server.address() + " (redis ").doesNotContain("not available");
    }

    @Test
    void withoutTrustTheCommandFailsNamingTheCertificateProblem() {
        Cli.Result get = cli("get", "greeting");

        assertThat(get.exitCode()).as(get.toString()).isEqualTo(CliException.BACKEND);
        assertThat(get.stdout()).isEmpty();
        assertThat(get.stderr()).contains(REDIS.uri()).contains("ca_cert");
    }
}
