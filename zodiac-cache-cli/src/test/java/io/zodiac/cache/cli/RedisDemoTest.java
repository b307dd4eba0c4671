package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code demo --backend redis://...}, from one JVM and from several, and a server that is not there. */
class RedisDemoTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    @Test
    void demoOnRedisLoadsEachKeyOnceAndLeavesNothingBehind(RedisServer server) {
        Cli.Result result = Cli.run("demo", "--backend", REDIS.uri(), "--duration", "1s", "--latency", "5ms",
                "--threads", "8", "--keys", "100", "--baseline", "0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("Cache " + REDIS.uri() + " under zodiac_cache:demo")
                .containsPattern("(?m)^  source calls per key, max +1$");
        assertThat(server.command("DBSIZE")).isEqualTo("0");
    }

    @Test
    void nearCacheComparisonPrintsBothRunsAndServesHitsLocally(RedisServer server) {
        Cli.Result result = Cli.run("demo", "--backend", REDIS.uri(), "--near-cache", "--duration", "1s",
                "--latency", "5ms", "--threads", "4", "--keys", "50", "--baseline", "0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .containsPattern("(?m)^  +redis +redis \\+ near cache$")
                .containsPattern("(?m)^  hit latency p50 +[\\d.]+ [numa]?s +[\\d.]+ [numa]?s$")
                .containsPattern("(?m)^  hit latency p99 +[\\d.]+ [numa]?s +[\\d.]+ [numa]?s$")
                .containsPattern("(?m)^  throughput +[\\d,]+/s +[\\d,]+/s$")
                .containsPattern("(?m)^  source calls +0 +0$");
        long nearHits = Long.parseLong(result.stdout().replaceAll("(?s).*\\n  near hits \\(served locally\\) +- +([\\d,]+)\\n.*", "$1")
                .replace(",", ""));
        assertThat(nearHits).as(result.stdout()).isPositive();
        assertThat(server.command("DBSIZE")).isEqualTo("0");
    }

    @Test
    void demoFromTwoProcessesLoadsEachKeyOnceAcrossThem() {
        Cli.Result result = Cli.run("demo", "--backend", REDIS.uri(), "--processes", "2", "--duration", "1s",
                "--latency", "20ms", "--threads", "8", "--keys", "50", "--baseline", "0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("shared by 2 processes", "(2 processes)")
                .containsPattern("(?m)^  keys loaded +\\d+ of 50$")
                .containsPattern("(?m)^  source calls per key, max +1$");
    }

    @Test
    void anUnreachableServerIsOneLineAndExitCodeThree() throws IOException {
        String closed = "redis://127.0.0.1:" + closedPort();

        Cli.Result get = Cli.run("get", "user:1", "--backend", closed, "--namespace", "app");
        Cli.Result demo = Cli.run("demo", "--backend", closed, "--duration", "1s");

        for (Cli.Result result : new Cli.Result[] {get, demo}) {
            assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
            assertThat(result.stderrLines()).as(result.toString()).singleElement().asString()
                    .contains(closed)
                    .contains("check that the server is running");
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
