package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The README's walkthrough, command by command, with the environment it sets:
 * {@code export ZODIAC_CACHE_BACKEND=redis://... ZODIAC_CACHE_NAMESPACE=demo; zodiac-cache demo --keep;
 * zodiac-cache keys --prefix item: --limit 10; zodiac-cache get item:1; zodiac-cache ttl item:1; zodiac-cache stats}.
 */
class WalkthroughTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    private static Cli.Result zodiacCache(String... args) {
        return Cli.run(Map.of("ZODIAC_CACHE_BACKEND", REDIS.uri(), "ZODIAC_CACHE_NAMESPACE", "demo"), args);
    }

    @BeforeEach
    void emptyServer(RedisServer server) {
        server.flushAll();
    }

    @Test
    void demoKeepsItsKeysOnTheServerTheEnvironmentNamesForTheInspectionCommands() {
        Cli.Result demo = zodiacCache("demo", "--keep", "--duration", "1s", "--latency", "5ms", "--threads", "8",
                "--keys", "100", "--baseline", "0");

        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.stdout()).contains("Cache " + REDIS.uri() + " under zodiac_cache:demo")
                .contains("The keys stay under zodiac_cache:demo");

        Cli.Result keys = zodiacCache("keys", "--prefix", "item:", "--limit", "10");
        assertThat(keys.exitCode()).as(keys.toString()).isZero();
        assertThat(keys.stdout().lines()).as(keys.toString()).hasSize(10).allMatch(key -> key.startsWith("item:"));

        Cli.Result get = zodiacCache("get", "item:1");
        assertThat(get.exitCode()).as(get.toString()).isZero();
        assertThat(get.stdout()).isNotBlank();

        Cli.Result ttl = zodiacCache("ttl", "item:1");
        assertThat(ttl.exitCode()).as(ttl.toString()).isZero();
        assertThat(ttl.stdout()).matches("\\d+\\.\\d{3} s\n");

        Cli.Result stats = zodiacCache("stats");
        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.stdout()).containsPattern("(?m)^keys +[1-9]");
    }

    @Test
    void demoInMemoryRefusesKeep() {
        Cli.Result demo = Cli.run("demo", "--keep", "--duration", "1s");

        assertThat(demo.exitCode()).as(demo.toString()).isEqualTo(2);
        assertThat(demo.stderr()).contains("--keep needs a server");
    }

    @Test
    void statsJsonTimesTheProbesAfterAnUntimedFirstOne(RedisServer server) throws Exception {
        long getsBefore = getCalls(server);

        Cli.Result stats = zodiacCache("stats", "--json", "--probes", "5");

        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(stats.stdout());
        assertThat(json.get("namespace").asText()).isEqualTo("zodiac_cache:demo");
        assertThat(json.get("keys").asLong()).isZero();
        assertThat(json.at("/roundTrip/count").asLong()).isEqualTo(5);
        assertThat(json.at("/roundTrip/meanMicros").asDouble()).isPositive();
        assertThat(json.at("/server/software").asText()).startsWith("redis ");
        // the server saw one GET more than the command timed: the first one, which warms the connection
        assertThat(getCalls(server) - getsBefore).isEqualTo(6);
    }

    private static long getCalls(RedisServer server) {
        Matcher calls = Pattern.compile("cmdstat_get:calls=(\\d+)").matcher(server.command("INFO", "commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
