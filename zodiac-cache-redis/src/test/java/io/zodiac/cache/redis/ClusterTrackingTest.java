package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which topology changes drop a cluster near cache's copies: Lettuce's event bus is shared by every
 * Redis client of a manager, and a change of another cluster must not empty this one's copies.
 */
class ClusterTrackingTest {

    private static final List<RedisClusterNode> OURS = List.of(node("a1"), node("b2"), node("c3"));

    private static RedisClusterNode node(String id) {
        RedisClusterNode node = new RedisClusterNode();
        node.setNodeId(id);
        return node;
    }

    private static boolean ours(List<RedisClusterNode> before, List<RedisClusterNode> after) {
        return ClusterTracking.sameCluster(OURS, new ClusterTopologyChangedEvent(before, after));
    }

    @Test
    void aChangeNamingOneOfThisClustersNodesIsThisClusters() {
        assertThat(ours(OURS, List.of(node("a1"), node("b2")))).as("a node removed").isTrue();
        assertThat(ours(OURS, List.of(node("a1"), node("b2"), node("c3"), node("d4")))).as("a node added").isTrue();
        assertThat(ours(List.of(node("x9")), OURS)).as("seen after the change only").isTrue();
        assertThat(ours(OURS, List.of())).as("seen before the change only").isTrue();
    }

    @Test
    void aChangeOfAnotherClusterIsNot() {
        assertThat(ours(List.of(node("x1"), node("y2"), node("z3")), List.of(node("x1"), node("y2")))).isFalse();
        assertThat(ours(List.of(new RedisClusterNode()), List.of(new RedisClusterNode()))).as("nodes without an id match nothing")
                .isFalse();
        assertThat(ClusterTracking.sameCluster(List.of(new RedisClusterNode()),
                new ClusterTopologyChangedEvent(List.of(new RedisClusterNode()), List.of()))).isFalse();
    }
}
