package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ctrl-C (SIGINT) during a demo on Redis: the clients stop, the summary so far is printed, the namespace is cleared.
 *
 * <p>A process started with SIGINT ignored (under {@code nohup}, or as a background job of a script) passes that on to
 * the demo, which keeps ignoring it as Unix programs do; the test then stops it with SIGTERM, which the demo handles
 * the same way (exit code 143 instead of 130).
 */
class InterruptTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    @Test
    void ctrlCPrintsThePartialSummaryAndClearsTheNamespace(RedisServer server) throws Exception {
        server.flushAll();
        Cli.Running demo = Cli.start(Map.of(), "demo", "--backend", REDIS.uri(), "--duration", "5m",
                "--latency", "5ms", "--threads", "8", "--keys", "100");
        // not on a terminal, the demo prints a progress line every second: the clients are running
        await().atMost(Duration.ofSeconds(60)).until(() -> demo.stdoutSoFar().contains("with cache "));
        assertThat(server.command("DBSIZE")).isNotEqualTo("0");

        boolean sigintIgnored = sigintIgnoredHere();
        signal(sigintIgnored ? "TERM" : "INT", demo.process());
        Cli.Result result = demo.await();

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(sigintIgnored ? 143 : 130);
        assertThat(result.stdout())
                .contains("Interrupted: the summary covers the run so far, and the keys under zodiac_cache:demo are "
                        + "cleared.")
                .containsPattern("(?m)^  source calls per key, max +1$")
                .doesNotContain("source only");
        assertThat(server.command("DBSIZE")).isEqualTo("0");
    }

    private static void signal(String signal, Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Whether this JVM was started with SIGINT ignored (Linux: bit 1 of {@code SigIgn} in /proc/self/status). */
    private static boolean sigintIgnoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                .map(line -> new BigInteger(line.substring("SigIgn:".length()).trim(), 16))
                .anyMatch(mask -> mask.testBit(1));
    }
}
