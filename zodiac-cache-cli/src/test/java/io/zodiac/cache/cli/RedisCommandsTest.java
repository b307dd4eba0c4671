package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The inspection commands against a real redis-server, reading what an application stored through the library. */
class RedisCommandsTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    private final CacheManager manager = new CacheManager();
    private BlockingCache app;

    @BeforeEach
    void storeWhatAnApplicationWould(RedisServer server) {
        server.flushAll();
        app = manager.setup("app", CacheConfig.fromUri(REDIS.uri()).build()).blocking();
        app.set("user:1", Map.of("name", "Ada"), Duration.ofMinutes(5));
        app.set("user:2", "Bob");
        app.set("session:9", 42);
        server.command("SET", "other_app:user:1", "not ours");
    }

    @AfterEach
    void closeTheApplication() {
        manager.close();
    }

    private static Cli.Result cli(String... args) {
        return Cli.run(Map.of("ZODIAC_CACHE_BACKEND", REDIS.uri(), "ZODIAC_CACHE_NAMESPACE", "app"), args);
    }

    @Test
    void getPrintsTheStoredJsonAndExitsWithOneForAnAbsentKey() {
        Cli.Result user = cli("get", "user:1");
        Cli.Result absent = cli("get", "user:3");

        assertThat(user.exitCode()).as(user.toString()).isZero();
        assertThat(user.stdout()).isEqualTo("{\"name\":\"Ada\"}\n");
        assertThat(absent.exitCode()).as(absent.toString()).isEqualTo(1);
        assertThat(absent.stdout()).isEmpty();
        assertThat(absent.stderrLines()).containsExactly("zodiac-cache get: key 'user:3' is absent from zodiac_cache:app");
    }

    @Test
    void ttlPrintsTheRemainingSecondsOrNoExpiry() {
        Cli.Result expiring = cli("ttl", "user:1");
        Cli.Result forever = cli("ttl", "user:2", "--backend", REDIS.uri(), "--namespace", "zodiac_cache:app");

        assertThat(expiring.exitCode()).as(expiring.toString()).isZero();
        assertThat(expiring.stdout()).matches("\\d+\\.\\d{3} s\n");
        assertThat(Double.parseDouble(expiring.stdout().split(" ")[0])).isBetween(240.0, 300.0);
        assertThat(forever.stdout()).as(forever.toString()).isEqualTo("no expiry\n");
    }

    @Test
    void keysListsTheNamespaceSortedAndByPrefix() {
        Cli.Result all = cli("keys");
        Cli.Result users = cli("keys", "--prefix", "user:");
        Cli.Result limited = cli("keys", "--limit", "1");

        assertThat(all.stdout().lines()).containsExactly("session:9", "user:1", "user:2");
        assertThat(users.stdout().lines()).containsExactly("user:1", "user:2");
        assertThat(limited.stdout().lines()).hasSize(1);
        assertThat(limited.stderr()).contains("(the first 1 found; there may be more: pass a larger --limit)");
    }

    @Test
    void clearDeletesByPrefixThenTheNamespaceAndNothingElse(RedisServer server) {
        Cli.Result users = cli("clear", "--prefix", "user:", "--yes");

        assertThat(users.exitCode()).as(users.toString()).isZero();
        assertThat(users.stdout()).isEqualTo("deleted 2 keys starting with 'user:' from zodiac_cache:app\n");
        assertThat(app.exists("user:1")).isFalse();
        assertThat(app.exists("session:9")).isTrue();

        Cli.Result all = cli("clear", "--yes");

        assertThat(all.stdout()).as(all.toString()).isEqualTo("cleared zodiac_cache:app\n");
        assertThat(app.exists("session:9")).isFalse();
        assertThat(server.command("GET", "other_app:user:1")).isEqualTo("not ours");
    }

    @Test
    void statsShowsTheKeyCountTheRoundTripAndTheServersCounters(RedisServer server) {
        app.get("user:1");
        app.get("user:404");

        Cli.Result stats = cli("stats");

        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.stdout())
                .containsPattern("(?m)^namespace +zodiac_cache:app$")
                .containsPattern("(?m)^keys +3$")
                .containsPattern("(?m)^round trip \\(GET\\) +mean .+ over 20 GETs from this machine$")
                .contains("server " + server.address() + " (redis ")
                .containsPattern("(?m)^  hits / misses +[1-9][\\d,]* / [1-9][\\d,]*$")
                .containsPattern("(?m)^  hit ratio +\\d+\\.\\d\\d%$");
    }
}
