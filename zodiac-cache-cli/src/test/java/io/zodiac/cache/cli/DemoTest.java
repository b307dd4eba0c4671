package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code zodiac-cache demo} on the in-memory default, as a new user runs it. */
class DemoTest {

    @Test
    void demoInMemoryPrintsTheSummaryAndLoadsEachKeyOnce() {
        Cli.Result result = Cli.run("demo", "--duration", "1s", "--latency", "5ms", "--threads", "8", "--keys", "200",
                "--baseline", "300ms");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout())
                .contains("with zodiac-cache", "source only", "hit ratio", "latency p50", "latency p99", "latency max")
                .containsPattern("(?m)^  source calls per key, max +1$")
                .containsPattern("(?m)^  keys loaded +\\d+ of 200$")
                .containsPattern("(?m)^  requests that waited for a load +[\\d,]+$")
                .containsPattern("(?m)^  callers on the busiest cold key +\\d+ \\(item:\\d+\\)$")
                .doesNotContain("\r");
    }

    @Test
    void demoThroughACachedProxyLoadsEachKeyOnce() {
        Cli.Result result = Cli.run("demo", "--cached-proxy", "--duration", "1s", "--latency", "5ms", "--threads", "8",
                "--keys", "100", "--baseline", "0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("through a @Cached proxy", "Stampede protection: a @Cached proxy runs the source once")
                .containsPattern("(?m)^  source calls per key, max +1$");
    }

    @Test
    void progressIsPlainLinesWhenStdoutIsNotATerminal() {
        Cli.Result result = Cli.run("demo", "--duration", "1200ms", "--latency", "1ms", "--threads", "4", "--keys", "50",
                "--baseline", "0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .containsPattern("(?m)^with cache +\\d+\\.\\ds +[\\d,]+ requests +[\\d,]+ source calls$")
                .doesNotContain("\r", "source only", "no cache ");
    }

    @Test
    void refreshAfterComparesTheHotKeysLatencyWithAndWithoutRefresh() {
        Cli.Result result = Cli.run("demo", "--refresh-after", "500ms", "--ttl", "1s", "--duration", "2500ms",
                "--latency", "50ms", "--threads", "8", "--keys", "50", "--baseline", "0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("Refresh-ahead: the 10 hottest keys, values living 1")
                .containsPattern("(?m)^ +refresh after 500 ms +no refresh$")
                .containsPattern("(?m)^  latency p99 +\\S+ +\\S+$")
                .containsPattern("(?m)^  latency max +\\S+ +\\S+$");
    }

    @Test
    void refreshAfterMustBeShorterThanTheTtl() {
        Cli.Result result = Cli.run("demo", "--refresh-after", "5s", "--ttl", "5s", "--duration", "1s");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("--refresh-after must be more than 0 and shorter than --ttl 5");
    }

    @Test
    void nearCacheNeedsARedisBackend() {
        Cli.Result result = Cli.run("demo", "--near-cache", "--duration", "1s");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).contains("--near-cache needs a Redis backend");
    }
}
