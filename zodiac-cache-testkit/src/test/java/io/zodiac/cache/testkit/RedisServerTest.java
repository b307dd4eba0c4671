package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    @Test
    void startsAnswersPingAndStops() {
        Path dir;
        try (RedisServer redis = RedisServer.start()) {
            dir = redis.directory();
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.command("PING")).isEqualTo("PONG");
            assertThat(redis.command("SET", "greeting", "hello")).isEqualTo("OK");
            assertThat(redis.command("GET", "greeting")).isEqualTo("hello");
            assertThat(redis.command("GET", "missing")).isNull();
            assertThat(redis.command("DBSIZE")).isEqualTo("1");
            redis.flushAll();
            assertThat(redis.command("DBSIZE")).isEqualTo("0");
            assertThat(redis.command("CONFIG", "GET", "save")).isEqualTo("save\n");
            assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
            assertThat(redis.logFile()).exists();

            redis.stop();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);
        }
        assertThat(Files.exists(dir)).isFalse();
    }

    @Test
    void killAndRestartKeepThePort() {
        try (RedisServer redis = RedisServer.start()) {
            int port = redis.port();
            long pid = redis.pid();
            redis.command("SET", "k", "v");

            redis.kill();
            assertThat(redis.isRunning()).isFalse();
            assertThatThrownBy(() -> redis.command("PING")).isInstanceOf(UncheckedIOException.class);

            redis.restart();
            assertThat(redis.isRunning()).isTrue();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.pid()).isNotEqualTo(pid);
            assertThat(redis.command("GET", "k")).as("nothing is persisted").isNull();
            assertThat(redis.command("SET", "k", "again")).isEqualTo("OK");
            assertThat(redis.command("GET", "k")).isEqualTo("again");

            redis.stop();
            redis.restart();
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void pauseMakesClientsTimeOutAndResumeRecovers() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.pause();
            assertThat(redis.isPaused()).isTrue();
            assertThat(redis.isRunning()).isTrue();
            assertThatThrownBy(() -> redis.command(Duration.ofMillis(300), "PING"))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(SocketTimeoutException.class);

            try (Socket waiting = new Socket()) {
                waiting.connect(new InetSocketAddress(redis.host(), redis.port()), 1000);
                waiting.setSoTimeout(200);
                assertThatThrownBy(() -> RawResp.call(waiting, "PING")).isInstanceOf(SocketTimeoutException.class);

                redis.resume();
                assertThat(redis.isPaused()).isFalse();
                waiting.setSoTimeout(5000);
                assertThat(RawResp.readLine(waiting.getInputStream()))
                        .as("the request sent while paused is answered after resume").isEqualTo("+PONG");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> "PONG".equals(redis.command("PING")));
        }
    }

    @Test
    void ensureRunningRepairsPausedAndKilledServers() {
        try (RedisServer redis = RedisServer.start()) {
            redis.pause();
            redis.ensureRunning();
            assertThat(redis.isPaused()).isFalse();
            assertThat(redis.command("PING")).isEqualTo("PONG");

            redis.kill();
            redis.ensureRunning();
            assertThat(redis.command("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void extraConfigLinesAreApplied() {
        try (RedisServer redis = RedisServer.start("maxmemory 12mb", "maxmemory-policy allkeys-lru")) {
            assertThat(redis.command("CONFIG", "GET", "maxmemory")).isEqualTo("maxmemory\n12582912");
            assertThat(redis.command("CONFIG", "GET", "maxmemory-policy")).isEqualTo("maxmemory-policy\nallkeys-lru");
        }
    }

    @Test
    void errorRepliesAreThrown() {
        try (RedisServer redis = RedisServer.start()) {
            assertThatThrownBy(() -> redis.command("NO-SUCH-COMMAND"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ERR unknown command");
        }
    }

    @Test
    void failedStartReportsTheLogTail() {
        assertThatThrownBy(() -> RedisServer.start("no-such-directive yes"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("no-such-directive");
    }

    @Test
    void missingBinaryTellsHowToInstallIt() {
        assertThatThrownBy(() -> Binaries.find("zodiac-no-such-binary", "ZODIAC_NO_SUCH_BIN",
                "apt-get install -y zodiac-no-such-binary"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("zodiac-no-such-binary not found on PATH: install it with "
                        + "`apt-get install -y zodiac-no-such-binary` (Debian/Ubuntu) or set ZODIAC_NO_SUCH_BIN");
        assertThat(Binaries.redisServer()).isExecutable();
        assertThat(Binaries.memcached()).isExecutable();
    }

    @Test
    void replicaFollowsItsMaster() {
        try (RedisServer master = RedisServer.start();
                RedisServer replica = RedisServer.builder().replicaOf(master).start()) {
            master.command("SET", "replicated", "yes");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "yes".equals(replica.command("GET", "replicated")));
            assertThat(RedisServer.infoField(replica.command("INFO", "replication"), "role")).isEqualTo("slave");
        }
    }
}
