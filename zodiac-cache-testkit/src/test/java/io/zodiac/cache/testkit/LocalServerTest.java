package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The lifecycle every kind of server shares, driven through {@link LocalServer} alone, as a fault test would. */
class LocalServerTest {

    static Stream<Named<Supplier<LocalServer>>> servers() {
        return Stream.of(Named.of("redis-server", RedisServer::start), Named.of("memcached", MemcachedServer::start));
    }

    @ParameterizedTest
    @MethodSource("servers")
    void faultsAreInjectedAndRepairedOnTheSamePort(Supplier<LocalServer> starter) {
        LocalServer server = starter.get();
        try (server) {
            int port = server.port();
            long firstPid = server.pid();
            assertThat(server.answersProbe()).isTrue();

            server.pause();
            assertThat(server.isPaused()).isTrue();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.answersProbe()).isFalse();
            server.resume();
            assertThat(server.isPaused()).isFalse();
            assertThat(server.answersProbe()).isTrue();

            server.kill();
            assertThat(server.isRunning()).isFalse();
            assertThat(server.answersProbe()).isFalse();
            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.pid()).isNotEqualTo(firstPid);
            assertThat(server.answersProbe()).isTrue();

            server.stop();
            server.ensureRunning();
            assertThat(server.answersProbe()).isTrue();
            server.pause();
            server.ensureRunning();
            assertThat(server.isPaused()).isFalse();
            assertThat(server.answersProbe()).isTrue();
        }
        assertThat(server.isRunning()).isFalse();
        assertThat(Files.exists(server.directory())).isFalse();
        assertThat(server.toString()).endsWith(", closed]");
        assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }
}
