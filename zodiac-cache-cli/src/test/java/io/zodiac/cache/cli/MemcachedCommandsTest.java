package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.testkit.MemcachedExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The demo and the inspection commands against a real memcached, which cannot list keys nor tell a TTL. */
class MemcachedCommandsTest {

    @RegisterExtension
    static final MemcachedExtension MEMCACHED = MemcachedExtension.create();

    private final CacheManager manager = new CacheManager();
    private BlockingCache app;

    @BeforeEach
    void storeWhatAnApplicationWould() {
        app = manager.setup("app", CacheConfig.fromUri(uri()).build()).blocking();
        app.set("user:1", Map.of("name", "Ada"), Duration.ofMinutes(5));
    }

    @AfterEach
    void closeTheApplication() {
        manager.close();
    }

    private static String uri() {
        return "memcached://" + MEMCACHED.address();
    }

    private static Cli.Result cli(String... args) {
        return Cli.run(Map.of("ZODIAC_CACHE_BACKEND", uri(), "ZODIAC_CACHE_NAMESPACE", "app"), args);
    }

    @Test
    void demoOnMemcachedLoadsEachKeyOnce() {
        Cli.Result result = Cli.run("demo", "--backend", uri(), "--duration", "1s", "--latency", "5ms",
                "--threads", "8", "--keys", "100", "--baseline", "0");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).containsPattern("(?m)^  source calls per key, max +1$");
    }

    @Test
    void getReadsWhatTheApplicationStoredAndClearEmptiesTheNamespace() {
        Cli.Result user = cli("get", "user:1");
        Cli.Result cleared = cli("clear", "--yes");

        assertThat(user.stdout()).as(user.toString()).isEqualTo("{\"name\":\"Ada\"}\n");
        assertThat(cleared.stdout()).as(cleared.toString()).isEqualTo("cleared zodiac_cache:app\n");
        assertThat(app.exists("user:1")).isFalse();
    }

    @Test
    void whatMemcachedCannotDoIsAUsageErrorThatSaysSo() {
        Cli.Result keys = cli("keys");
        Cli.Result ttl = cli("ttl", "user:1");

        assertThat(keys.exitCode()).isEqualTo(2);
        assertThat(keys.stderrLines()).singleElement().asString().contains("memcached cannot list keys");
        assertThat(ttl.exitCode()).isEqualTo(2);
        assertThat(ttl.stderrLines()).singleElement().asString().contains("memcached cannot report a key's TTL");
    }

    @Test
    void statsShowsTheServersCountersAndSaysTheKeyCountIsNotAvailable() {
        Cli.Result stats = cli("stats");

        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.stdout())
                .containsPattern("(?m)^keys +not available: memcached cannot list keys$")
                .contains("server " + MEMCACHED.address() + " (memcached ")
                .containsPattern("(?m)^  hits / misses +[\\d,]+ / [\\d,]+$");
    }
}
