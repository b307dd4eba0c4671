package io.zodiac.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.memcached.MemcachedSettings.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Options, URIs, maps and setup failures; none of these tests reaches a server. */
class MemcachedSettingsTest {

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void nearCacheIsRefusedAtSetupBecauseMemcachedCannotInvalidate() {
        assertThatThrownBy(() -> manager.setup("near", CacheConfig.fromUri("memcached://127.0.0.1:11311")
                .nearCache(io.zodiac.cache.NearCache.maximumSize(100)).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nearCache")
                .hasMessageContaining("'memcached'")
                .hasMessageContaining("no server-side invalidation");
        assertThatThrownBy(() -> manager.setup("near", CacheConfig.fromMap(Map.of("cache", "memcached",
                "endpoint", "127.0.0.1", "near_cache_size", 100))))
                .hasMessageContaining("no server-side invalidation");
    }

    @Test
    void uriNamesOneOrSeveralServers() {
        assertThat(settings(CacheConfig.fromUri("memcached://127.0.0.1:11311").build()).servers())
                .containsExactly(new Server("127.0.0.1", 11311));
        assertThat(settings(CacheConfig.fromUri("memcached://cache-a:11211,cache-b:11212/").build()).servers())
                .containsExactly(new Server("cache-a", 11211), new Server("cache-b", 11212));
        assertThat(settings(CacheConfig.fromUri("memcached://[::1]:11213").build()).servers())
                .containsExactly(new Server("::1", 11213));
        assertThat(settings(CacheConfig.fromUri("memcached://localhost").build()).servers())
                .containsExactly(new Server("localhost", MemcachedSettings.DEFAULT_PORT));
        assertThat(CacheConfig.fromUri("memcached://h:1").build().backend()).isEqualTo("memcached");
    }

    @Test
    void mapsTakeAiocacheKeys() {
        CacheConfig config = CacheConfig.fromMap(Map.of("cache", "memcached", "endpoint", "10.0.0.1", "port", 11212,
                "pool_size", 3));
        MemcachedSettings settings = settings(config);
        assertThat(config.backend()).isEqualTo("memcached");
        assertThat(settings.servers()).containsExactly(new Server("10.0.0.1", 11212));
        assertThat(settings.connections()).isEqualTo(3);
    }

    @Test
    void serversAreAListOrAString() {
        MemcachedSettings fromList = settings(memcached().option("servers", List.of("a:1", "[::1]:2")).build());
        MemcachedSettings fromString = settings(memcached().option("servers", "a:1, [::1]:2").build());
        assertThat(fromList.servers()).isEqualTo(fromString.servers())
                .containsExactly(new Server("a", 1), new Server("::1", 2));
    }

    @Test
    void defaults() {
        MemcachedSettings settings = settings(memcached().option("endpoint", "localhost")
                .operationTimeout(Duration.ofMillis(700)).build());
        assertThat(settings.servers()).containsExactly(new Server("localhost", 11211));
        assertThat(settings.connections()).isEqualTo(1);
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.requestTimeout()).as("the operation timeout").isEqualTo(Duration.ofMillis(700));
        assertThat(settings(memcached().option("endpoint", "h").option("connect_timeout", 2).option("connections", "4")
                .build()))
                .extracting(MemcachedSettings::connectTimeout, MemcachedSettings::connections)
                .containsExactly(Duration.ofSeconds(2), 4);
    }

    @Test
    void timeoutIsTheOperationTimeoutNotTheConnectTimeout() {
        for (CacheConfig config : List.of(
                memcached().option("endpoint", "h").option("timeout", 2).build(),
                CacheConfig.fromMap(Map.of("cache", "memcached", "endpoint", "h", "timeout", 2)),
                CacheConfig.fromUri("memcached://h:11211?timeout=2s").build())) {
            MemcachedSettings settings = settings(config);
            assertThat(config.operationTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(settings.connectTimeout()).as("connect_timeout's default").isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void badOptionsFailSetupNamingTheOption() {
        assertSetupFails(memcached(), "option 'endpoint' is missing");
        assertSetupFails(memcached().option("endpoint", "h").option("port", 0), "option 'port'");
        assertSetupFails(memcached().option("endpoint", "h").option("port", 70000), "option 'port'");
        assertSetupFails(memcached().option("endpoint", "h").option("port", "http"), "option 'port'");
        assertSetupFails(memcached().option("endpoint", " "), "option 'endpoint'");
        assertSetupFails(memcached().option("endpoint", "h:11211"), "option 'endpoint'");
        assertSetupFails(memcached().option("servers", "a:1,b:x"), "option 'servers'");
        assertSetupFails(memcached().option("servers", "a:1,"), "option 'servers'");
        assertSetupFails(memcached().option("servers", "a:1").option("port", 2), "option 'port'");
        assertSetupFails(CacheConfig.fromUri("memcached://h:99999"), "option 'uri'");
        assertSetupFails(CacheConfig.fromUri("memcached://h:1/0"), "option 'uri'");
        assertSetupFails(CacheConfig.fromUri("memcached://h:1").option("endpoint", "h"), "only one of");
        assertSetupFails(memcached().option("endpoint", "h").option("connections", 0), "option 'connections'");
        assertSetupFails(memcached().option("endpoint", "h").option("connect_timeout", "soon"),
                "option 'connect_timeout' must be a positive duration");
        assertSetupFails(memcached().option("endpoint", "h").option("connect_timeout", 0), "option 'connect_timeout'");
        assertSetupFails(memcached().option("endpoint", "h").option("db", 1), "Unknown option [db]");
    }

    @Test
    void aPrefixThatMemcachedCannotHoldFailsSetup() {
        assertThatThrownBy(() -> manager.setup("my app", memcached().option("endpoint", "h").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace 'zodiac_cache:my app'");
        assertThat(manager.names()).isEmpty();
    }

    @Test
    void anUnreachableServerIsNotASetupErrorItsCallsReportIt() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        ZodiacCache cache = manager.setup("app", CacheConfig.fromUri("memcached://127.0.0.1:" + port).name("pages")
                .operationTimeout(Duration.ofMillis(300)).build());

        assertThat(manager.names()).containsExactly("pages");
        assertThatThrownBy(() -> cache.blocking().get("k"))
                .isInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("Cache 'pages': not connected to memcached [127.0.0.1:" + port + "] after waiting "
                        + "300 ms: cannot reach the server")
                .hasMessageContaining("still connecting in the background");
        assertThat(cache.blocking().getOrSet("k", () -> "from the source")).as("getOrSet fails open")
                .isEqualTo("from the source");
    }

    private void assertSetupFails(CacheConfig.Builder config, String message) {
        assertThatThrownBy(() -> manager.setup("app", config.build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        assertThat(manager.names()).as("nothing is half-registered").isEmpty();
    }

    private static CacheConfig.Builder memcached() {
        return CacheConfig.builder().backend("memcached");
    }

    private static MemcachedSettings settings(CacheConfig config) {
        new MemcachedBackendProvider().validate(config);
        return MemcachedSettings.from(config);
    }

    @Test
    void aUriOrServerWithAPasswordIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> MemcachedSettings.from(CacheConfig.fromUri("memcached://app:s3cret-Pw@h:11211").build()))
                .hasMessageContaining("no path, query or user").hasMessageNotContaining("s3cret-Pw");
        assertThatThrownBy(() -> MemcachedSettings.from(CacheConfig.builder().backend("memcached")
                .option("servers", "app:s3cret-Pw@h:11211").build()))
                .hasMessageContaining("is not host:port").hasMessageNotContaining("s3cret-Pw");
    }
}
