package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisSentinelFailoverTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.sentinel();

    @Test
    void killingTheMasterPromotesTheReplicaAndEnsureRunningRepairsTheSetup(RedisSentinel setup) {
        setup.master().kill();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> setup.masterAddress().equals(setup.replica().address()));
        assertThat(setup.currentMaster()).isSameAs(setup.replica());
        assertThat(RedisServer.infoField(setup.replica().command("INFO", "replication"), "role"))
                .isEqualTo("master");

        redis.ensureRunning();
        assertThat(setup.master().isRunning()).isTrue();
        assertThat(setup.currentMaster().command("SET", "k", "v")).isEqualTo("OK");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(RedisServer.infoField(setup.master().command("INFO", "replication"), "role"))
                        .as("the old master is turned into a replica by the sentinel").isEqualTo("slave"));
    }
}
