package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisLifecycleTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    private final RedisServer server = REDIS.server();

    private long connectionsNamed(String name) {
        return Arrays.stream(server.command("CLIENT", "LIST").split("\n"))
                .filter(line -> line.contains(" name=" + name + " "))
                .count();
    }

    private static List<String> lettuceThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("lettuce-")).toList();
    }

    /**
     * Threads started since {@code before}, but for the test's own (Awaitility's poller) and the
     * JDK's once-per-JVM timer of {@code CompletableFuture.delayedExecutor}.
     */
    private static List<String> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread))
                .map(Thread::getName)
                .filter(name -> !name.startsWith("awaitility") && !name.equals("CompletableFutureDelayScheduler"))
                .toList();
    }

    @Test
    void shutdownOfTheManagerLeavesNoLettuceThreadOrConnection() {
        assertThat(lettuceThreads()).isEmpty();
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        CacheManager manager = new CacheManager();
        for (int i = 0; i < 3; i++) {
            ZodiacCache cache = manager.setup("threads-" + i, on(server).name("c" + i).build());
            cache.blocking().set("k", i);
            assertThat(cache.blocking().getOrSet("produced", () -> "v")).isEqualTo("v");
        }
        assertThat(lettuceThreads()).isNotEmpty();

        manager.shutdown().join();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(lettuceThreads()).isEmpty();
            assertThat(newThreads(before)).isEmpty();
        });
        assertThat(connectionsNamed(RedisEndpoint.CLIENT_NAME)).isZero();
    }

    @Test
    void aServerThatIsDownIsNotASetupErrorItsCallsReportIt() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup("down", on(server).option("port", closedPort)
                    .operationTimeout(Duration.ofMillis(300)).build());
            assertThat(manager.isSetUp("default")).isTrue();
            assertThatThrownBy(() -> cache.blocking().set("k", "v"))
                    .isInstanceOf(CacheUnavailableException.class)
                    .hasMessageContaining("Cache 'default': not connected to redis://127.0.0.1:" + closedPort
                            + "/0 after waiting 300 ms: cannot reach the server: Connection refused");
        }
    }

    @Test
    void aCacheShutDownBeforeItsServerCameUpStopsConnectingAndLeavesNothing() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        server.kill();
        try {
            CacheManager manager = new CacheManager();
            ZodiacCache cache = manager.setup("never", on(server).operationTimeout(Duration.ofMillis(300)).build());
            assertThatThrownBy(() -> cache.blocking().get("k")).isInstanceOf(CacheUnavailableException.class);

            long start = System.nanoTime();
            manager.shutdown().get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("shutdown does not wait for the server")
                    .isLessThan(Duration.ofSeconds(5));
        } finally {
            server.restart();
        }
        // the retries are at most a second apart: one still going would connect within this window
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                .until(() -> connectionsNamed(RedisEndpoint.CLIENT_NAME) == 0);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(lettuceThreads()).isEmpty();
            assertThat(newThreads(before)).isEmpty();
        });
    }
}
