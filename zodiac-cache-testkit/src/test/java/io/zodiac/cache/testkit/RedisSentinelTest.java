package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisSentinelTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.sentinel();

    @Test
    void sentinelReportsTheMasterAddress(RedisSentinel setup) {
        assertThat(setup.masterName()).isEqualTo("mymaster");
        assertThat(setup.sentinel().command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"))
                .isEqualTo("127.0.0.1\n" + setup.master().port());
        assertThat(setup.masterAddress()).isEqualTo(setup.master().address());
        assertThat(setup.currentMaster()).isSameAs(setup.master());
    }

    @Test
    void exposesALettuceSentinelUri(RedisSentinel setup) {
        assertThat(setup.uri()).isEqualTo("redis-sentinel://127.0.0.1:" + setup.sentinelPort() + "#mymaster");
        assertThat(redis.uri()).isEqualTo(setup.uri());
    }

    @Test
    void theReplicaFollowsTheMasterAndIsKnownToTheSentinel(RedisSentinel setup) {
        assertThat(RedisServer.infoField(setup.replica().command("INFO", "replication"), "role"))
                .isEqualTo("slave");
        assertThat(setup.sentinel().command("SENTINEL", "REPLICAS", "mymaster"))
                .contains(setup.replica().address());
        setup.master().command("SET", "k", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> "v".equals(setup.replica().command("GET", "k")));
    }

    @Test
    void ensureRunningRepairsAPausedSentinelAndAKilledReplica(RedisSentinel setup) {
        setup.sentinel().pause();
        setup.replica().kill();

        redis.ensureRunning();
        assertThat(setup.sentinel().isPaused()).isFalse();
        assertThat(setup.replica().isRunning()).isTrue();
        assertThat(RedisServer.infoField(setup.replica().command("INFO", "replication"), "master_link_status"))
                .isEqualTo("up");
        assertThat(setup.currentMaster()).isSameAs(setup.master());
    }
}
