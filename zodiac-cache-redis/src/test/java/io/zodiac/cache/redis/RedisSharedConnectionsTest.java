package io.zodiac.cache.redis;

import static io.zodiac.cache.redis.RedisTesting.awaitConnected;
import static io.zodiac.cache.redis.RedisTesting.await;
import static io.zodiac.cache.redis.RedisTesting.failure;
import static io.zodiac.cache.redis.RedisTesting.on;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheTimeoutException;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The caches of one manager on one endpoint share one client, one data connection and one
 * pub/sub connection, seen from the server ({@code CLIENT LIST}); closing one leaves the others
 * working; caches on another database, with other credentials or another operation timeout get
 * connections of their own.
 */
class RedisSharedConnectionsTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final RedisServer server = REDIS.server();
    private final CacheManager manager = new CacheManager();

    /** One line of {@code CLIENT LIST}. */
    record Client(String line) {
        String field(String name) {
            return Arrays.stream(line.split(" ")).filter(field -> field.startsWith(name + "="))
                    .map(field -> field.substring(name.length() + 1)).findFirst().orElse("");
        }

        boolean pubSub() {
            return field("flags").contains("P");
        }
    }

    /** The connections of this library to the server. */
    private List<Client> ours() {
        return Arrays.stream(server.command("CLIENT", "LIST").split("\r?\n")).map(Client::new)
                .filter(client -> client.field("name").equals(RedisEndpoint.CLIENT_NAME))
                .toList();
    }

    private List<Client> ours(boolean pubSub) {
        return ours().stream().filter(client -> client.pubSub() == pubSub).toList();
    }

    @BeforeEach
    void noConnectionOfOursYet() {
        await().atMost(PATIENCE).until(() -> ours().isEmpty());
    }

    @AfterEach
    void close() {
        server.resume();
        manager.close();
        await().atMost(PATIENCE).until(() -> ours().isEmpty());
    }

    @Test
    void cachesOfOneManagerOnOneEndpointShareOneDataAndOnePubSubConnection() {
        ZodiacCache first = manager.setup("first", on(server).name("first").build());
        ZodiacCache second = manager.setup("second", on(server).name("second").build());
        first.blocking().set("k", "one");
        second.blocking().set("k", "two");
        awaitConnected(first, second);

        assertThat(ours(false)).as("data connections").hasSize(1);
        assertThat(ours(true)).as("pub/sub connections").hasSize(1);
        assertThat(ours(true).get(0).field("sub")).as("one release channel per cache").isEqualTo("2");
        assertThat(((RedisBackend) ((DefaultZodiacCache) first).backend()).endpoint()).isSameAs(((RedisBackend) ((DefaultZodiacCache) second).backend()).endpoint());
        assertThat(first.blocking().get("k")).isEqualTo("one");
        assertThat(second.blocking().get("k")).isEqualTo("two");
    }

    @Test
    void shuttingDownOneCacheLeavesTheOtherWorking() {
        manager.setup("gone", on(server).name("gone").build()).blocking().set("k", "v");
        ZodiacCache kept = manager.setup("kept", on(server).name("kept").build());

        manager.shutdown("gone").join();

        await().atMost(PATIENCE).until(() -> ours(true).size() == 1 && ours(true).get(0).field("sub").equals("1"));
        assertThat(ours(false)).hasSize(1);
        assertThat(server.command("PUBSUB", "CHANNELS", "zodiac_cache:*")).isEqualTo("zodiac_cache:kept:__released");
        assertThat(kept.blocking().set("k", "kept")).isTrue();
        assertThat(kept.blocking().get("k")).isEqualTo("kept");
        assertThat(kept.blocking().getOrSet("produced", () -> "p")).isEqualTo("p");

        // a waiter on a held lock is woken by the release, long before its lease
        RedisBackend backend = (RedisBackend) ((DefaultZodiacCache) kept).backend();
        assertThat(backend.tryLock("w", "holder", Duration.ofSeconds(30)).join()).isTrue();
        AtomicInteger produced = new AtomicInteger();
        CompletableFuture<String> waiter = kept.getOrSet("w",
                () -> CompletableFuture.completedFuture("produced " + produced.incrementAndGet()),
                GetOrSetOptions.<String>defaults().lease(Duration.ofSeconds(30)));
        await().atMost(PATIENCE).until(() -> backend.signals().waitingKeys() == 1);
        kept.blocking().set("w", "stored by the holder");
        assertThat(backend.unlock("w", "holder").join()).isTrue();

        assertThat(await(waiter, Duration.ofSeconds(5))).isEqualTo("stored by the holder");
        assertThat(produced).hasValue(0);
    }

    @Test
    void theLastCacheOfAnEndpointClosesItsConnectionsAndTheNameCanBeSetUpAgain() {
        manager.setup("only", on(server).name("only").build()).blocking().set("k", "v");

        manager.shutdown("only").join();

        await().atMost(PATIENCE).until(() -> ours().isEmpty());
        ZodiacCache again = manager.setup("only", on(server).name("only").build());
        assertThat(again.blocking().get("k")).isEqualTo("v");
        awaitConnected(again);
        assertThat(ours()).hasSize(2);
    }

    @Test
    void managerShutdownLeavesNoConnectionOfOurs() {
        for (int i = 0; i < 3; i++) {
            ZodiacCache cache = manager.setup("m" + i, on(server).name("m" + i).build());
            assertThat(cache.blocking().getOrSet("k", () -> "v")).isEqualTo("v");
            awaitConnected(cache);
        }
        assertThat(ours()).hasSize(2);

        manager.shutdown().join();

        await().atMost(PATIENCE).until(() -> ours().isEmpty());
    }

    @Test
    void cachesOnAnotherDatabaseOrWithOtherCredentialsGetTheirOwnConnections() {
        server.command("ACL", "SETUSER", "shared-test", "on", ">pw", "~*", "&*", "+@all");
        try {
            ZodiacCache db0 = manager.setup("db0", on(server).name("db0").build());
            ZodiacCache db1 = manager.setup("db1", on(server).name("db1").option("db", 1).build());
            ZodiacCache user = manager.setup("user", on(server).name("user")
                    .option("username", "shared-test").option("password", "pw").build());
            db1.blocking().set("k", "in db 1");
            awaitConnected(db0, db1, user);

            assertThat(ours(false)).hasSize(3);
            assertThat(ours(true)).hasSize(3);
            assertThat(ours(false)).extracting(client -> client.field("db")).containsExactlyInAnyOrder("0", "1", "0");
            assertThat(ours()).filteredOn(client -> client.field("user").equals("shared-test")).hasSize(2);
            assertThat(db0.blocking().get("k")).isNull();
            assertThat(db1.blocking().get("k")).isEqualTo("in db 1");
            assertThat(user.blocking().getOrSet("k", () -> "by user")).isEqualTo("by user");
        } finally {
            manager.shutdown().join();
            server.command("ACL", "DELUSER", "shared-test");
        }
    }

    @Test
    void eachCacheTimesOutAfterItsOwnOperationTimeout() {
        ZodiacCache quick = manager.setup("quick", on(server).name("quick").operationTimeout(Duration.ofMillis(300))
                .build());
        ZodiacCache patient = manager.setup("patient", on(server).name("patient").operationTimeout(Duration.ofSeconds(20))
                .build());
        ZodiacCache alsoQuick = manager.setup("also quick", on(server).name("also quick")
                .operationTimeout(Duration.ofMillis(300)).build());
        patient.blocking().set("k", "v");
        awaitConnected(quick, patient, alsoQuick);
        assertThat(ours(false)).as("one data connection per operation timeout").hasSize(2);
        assertThat(ours(true)).hasSize(1);

        server.pause();
        long start = System.nanoTime();
        CompletableFuture<Object> slow = patient.get("k");
        assertThat(failure(quick.get("k"))).isInstanceOf(CacheTimeoutException.class);
        assertThat(failure(alsoQuick.get("k"))).isInstanceOf(CacheTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(slow).as("the patient cache's command is still waiting").isNotDone();
        server.resume();

        assertThat(await(slow, PATIENCE)).isEqualTo("v");
    }
}
