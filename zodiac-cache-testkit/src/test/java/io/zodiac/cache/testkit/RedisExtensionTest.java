package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    static int portAtStart;

    @BeforeAll
    static void rememberPort(RedisServer server) {
        portAtStart = server.port();
    }

    @Test
    @Order(1)
    void injectsTheRunningServer(RedisServer server) {
        assertThat(server).isSameAs(redis.server());
        assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + portAtStart);
        assertThat(server.command("PING")).isEqualTo("PONG");
        assertThatThrownBy(redis::redisCluster).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @Order(2)
    void aFaultTestMayLeaveTheServerDown(RedisServer server) {
        server.kill();
        assertThat(server.isRunning()).isFalse();
    }

    @Test
    @Order(3)
    void theNextTestFindsItRepairedOnTheSamePort(RedisServer server) {
        assertThat(server.isRunning()).isTrue();
        assertThat(server.port()).isEqualTo(portAtStart);
        assertThat(server.command("PING")).isEqualTo("PONG");
    }

    @Test
    @Order(4)
    void ensureRunningRepairsOnDemand(RedisServer server) {
        server.pause();
        redis.ensureRunning();
        assertThat(server.command("PING")).isEqualTo("PONG");
    }

    @Nested
    class NestedClasses {

        @Test
        void shareTheOuterServer(RedisServer server) {
            assertThat(server.port()).isEqualTo(portAtStart);
            assertThat(server.command("PING")).isEqualTo("PONG");
        }
    }
}
