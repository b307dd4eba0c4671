package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.ZodiacCacheException;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
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
    void anUnreachableServerFailsSetupAndRegistersNothing() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (CacheManager manager = new CacheManager()) {
            assertThatThrownBy(() -> manager.setup("down", on(server).option("port", closedPort)
                    .option("connect_timeout", Duration.ofSeconds(2)).build()))
                    .isInstanceOf(ZodiacCacheException.class)
                    .hasMessageContaining("Cache 'default': cannot connect to redis://127.0.0.1:" + closedPort);
            assertThat(manager.isSetUp("default")).isFalse();
        }
    }
}
