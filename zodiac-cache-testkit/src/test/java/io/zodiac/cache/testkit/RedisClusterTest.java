package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisClusterTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.cluster();

    @Test
    void everyNodeReportsAHealthyClusterOfThreeMasters(RedisCluster cluster) {
        assertThat(cluster).isSameAs(redis.redisCluster());
        assertThat(cluster.nodes()).hasSize(3);
        for (RedisServer node : cluster.nodes()) {
            String info = node.command("CLUSTER", "INFO");
            assertThat(RedisServer.infoField(info, "cluster_state")).isEqualTo("ok");
            assertThat(RedisServer.infoField(info, "cluster_slots_assigned")).isEqualTo("16384");
            assertThat(RedisServer.infoField(info, "cluster_slots_ok")).isEqualTo("16384");
            assertThat(RedisServer.infoField(info, "cluster_known_nodes")).isEqualTo("3");
            assertThat(RedisServer.infoField(info, "cluster_size")).isEqualTo("3");
        }
    }

    @Test
    void theMastersCoverAllSlots(RedisCluster cluster) {
        List<String> lines = Arrays.asList(cluster.nodes().get(0).command("CLUSTER", "NODES").split("\n"));
        assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(line).contains("master").doesNotContain("fail"));
        int covered = 0;
        for (String line : lines) {
            String[] fields = line.trim().split(" ");
            for (int i = 8; i < fields.length; i++) {
                String[] range = fields[i].split("-");
                int first = Integer.parseInt(range[0]);
                int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
                covered += last - first + 1;
            }
        }
        assertThat(covered).isEqualTo(RedisCluster.SLOTS);
    }

    @Test
    void keysLiveOnTheirSlotOwner(RedisCluster cluster) {
        RedisServer owner = cluster.nodeForKey("user:42");
        assertThat(owner.command("SET", "user:42", "x")).isEqualTo("OK");
        RedisServer other = cluster.nodes().stream().filter(n -> n != owner).findFirst().orElseThrow();
        assertThatThrownBy(() -> other.command("GET", "user:42"))
                .hasMessageStartingWith("MOVED " + cluster.slotOf("user:42") + " " + owner.address());
        cluster.flushAll();
        assertThat(owner.command("DBSIZE")).isEqualTo("0");
    }

    @Test
    void exposesSeedsAndUris(RedisCluster cluster) {
        assertThat(cluster.seeds()).hasSize(3).allMatch(s -> s.matches("127\\.0\\.0\\.1:\\d+"));
        assertThat(cluster.uris()).hasSize(3).allMatch(s -> s.matches("redis://127\\.0\\.0\\.1:\\d+"));
        assertThat(redis.uri()).isEqualTo(cluster.uris().get(0));
        assertThat(cluster.nodes()).allMatch(n -> n.port() < 55535);
    }

    @Test
    void aKilledNodeRejoinsWithItsNodeIdAfterRestart(RedisCluster cluster) {
        RedisServer victim = cluster.nodes().get(1);
        String nodeId = victim.command("CLUSTER", "MYID");
        victim.kill();
        assertThat(cluster.isOk()).isFalse();

        victim.restart();
        redis.ensureRunning();
        assertThat(cluster.isOk()).isTrue();
        assertThat(victim.command("CLUSTER", "MYID")).isEqualTo(nodeId);
        RedisServer owner = cluster.nodeForKey("after-restart");
        assertThat(owner.command("SET", "after-restart", "1")).isEqualTo("OK");
    }
}
