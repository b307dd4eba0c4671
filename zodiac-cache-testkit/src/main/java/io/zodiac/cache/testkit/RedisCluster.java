package io.zodiac.cache.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A real Redis Cluster of masters without replicas (three by default), every node a {@link RedisServer} with
 * {@code cluster-enabled yes} on a free port of 127.0.0.1 (its bus port, port + 10000, is free as well). The
 * 16384 slots are split evenly over the masters, the nodes are joined with {@code CLUSTER MEET}, and
 * {@link #start()} returns only when every node reports {@code cluster_state:ok}.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start()) {
 *     RedisClusterClient client = RedisClusterClient.create(cluster.uris().get(0));
 *     ...
 * }
 * }</pre>
 *
 * <p>{@code cluster-node-timeout} is 3000 ms. Fault injection goes through {@link #nodes()}; a killed node
 * keeps its node id when {@link RedisServer#restart() restarted}.
 */
public final class RedisCluster implements AutoCloseable {

    /** Number of hash slots in a Redis Cluster. */
    public static final int SLOTS = 16384;

    private static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;
    private final int[][] slotRanges;
    private volatile boolean closed;

    private RedisCluster(List<RedisServer> nodes, int[][] slotRanges) {
        this.nodes = List.copyOf(nodes);
        this.slotRanges = slotRanges;
    }

    /**
     * Starts a cluster of three masters.
     *
     * @return the cluster, once {@code cluster_state:ok} on every node
     * @throws IllegalStateException if a node does not start or the cluster does not become ok in 30 s
     */
    public static RedisCluster start() {
        return start(3);
    }

    /**
     * Starts a cluster of {@code masters} masters (no replicas), each node with extra {@code redis.conf}
     * lines (e.g. {@code "cluster-node-timeout 1000"}).
     *
     * @param masters number of masters, 1 to 16
     * @param extraConfigLines directives appended to every node's configuration
     * @return the cluster, once {@code cluster_state:ok} on every node
     */
    public static RedisCluster start(int masters, String... extraConfigLines) {
        if (masters < 1 || masters > 16) {
            throw new IllegalArgumentException("masters must be between 1 and 16, got " + masters);
        }
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(RedisServer.builder().clusterNode().config(extraConfigLines).start());
            }
            int[][] ranges = new int[masters][];
            for (int i = 0; i < masters; i++) {
                int first = SLOTS * i / masters;
                int last = SLOTS * (i + 1) / masters - 1;
                ranges[i] = new int[] {first, last};
                RedisServer node = nodes.get(i);
                node.command("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
                addSlots(node, first, last);
            }
            RedisServer first = nodes.get(0);
            for (int i = 1; i < masters; i++) {
                first.command("CLUSTER", "MEET", Ports.LOOPBACK_HOST, Integer.toString(nodes.get(i).port()));
            }
            RedisCluster cluster = new RedisCluster(nodes, ranges);
            cluster.awaitClusterOk(CLUSTER_TIMEOUT);
            return cluster;
        } catch (RuntimeException e) {
            throw LocalServer.closeAfter(nodes, e);
        }
    }

    /**
     * The nodes, all masters, in slot order: node {@code i} was given the {@code i}-th range of slots.
     *
     * @return an unmodifiable list
     */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /**
     * The nodes' addresses as {@code "127.0.0.1:PORT"}, for clients that take seed host:port pairs.
     *
     * @return an unmodifiable list
     */
    public List<String> seeds() {
        List<String> seeds = new ArrayList<>();
        for (RedisServer node : nodes) {
            seeds.add(node.address());
        }
        return Collections.unmodifiableList(seeds);
    }

    /**
     * The nodes' URIs as {@code "redis://127.0.0.1:PORT"}, e.g. for {@code RedisClusterClient.create(...)}.
     *
     * @return an unmodifiable list
     */
    public List<String> uris() {
        List<String> uris = new ArrayList<>();
        for (RedisServer node : nodes) {
            uris.add(node.uri());
        }
        return Collections.unmodifiableList(uris);
    }

    /**
     * The hash slot of {@code key} ({@code CLUSTER KEYSLOT}, asked of a running node).
     *
     * @param key the key
     * @return the slot, 0 to 16383
     */
    public int slotOf(String key) {
        for (RedisServer node : nodes) {
            if (node.isRunning() && !node.isPaused()) {
                return Integer.parseInt(node.command("CLUSTER", "KEYSLOT", key));
            }
        }
        throw new IllegalStateException("no running node to ask for the slot of " + key);
    }

    /**
     * The node that was assigned the slot of {@code key} at startup (slots are never moved by the kit), e.g. to
     * kill exactly the node that owns a key.
     *
     * @param key the key
     * @return the owning node
     */
    public RedisServer nodeForKey(String key) {
        int slot = slotOf(key);
        for (int i = 0; i < slotRanges.length; i++) {
            if (slot >= slotRanges[i][0] && slot <= slotRanges[i][1]) {
                return nodes.get(i);
            }
        }
        throw new IllegalStateException("slot " + slot + " is not assigned");
    }

    /** Deletes all keys on every node ({@code FLUSHALL}). */
    public void flushAll() {
        for (RedisServer node : nodes) {
            node.flushAll();
        }
    }

    /**
     * Whether every node is running and reports {@code cluster_state:ok}, all slots assigned and all nodes
     * known.
     *
     * @return true if the cluster is fully healthy right now
     */
    public boolean isOk() {
        for (RedisServer node : nodes) {
            if (!node.isRunning() || node.isPaused()) {
                return false;
            }
            String info;
            try {
                info = node.command(Duration.ofSeconds(1), "CLUSTER", "INFO");
            } catch (RuntimeException e) {
                return false;
            }
            if (!"ok".equals(RedisServer.infoField(info, "cluster_state"))
                    || !Integer.toString(SLOTS).equals(RedisServer.infoField(info, "cluster_slots_ok"))
                    || !Integer.toString(nodes.size()).equals(RedisServer.infoField(info, "cluster_known_nodes"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until {@link #isOk()}.
     *
     * @param timeout how long to wait at most
     * @throws IllegalStateException with every node's {@code CLUSTER INFO} if the cluster is not ok in time
     */
    public void awaitClusterOk(Duration timeout) {
        if (!Poll.until(timeout, this::isOk)) {
            StringBuilder state = new StringBuilder("Redis Cluster did not reach cluster_state:ok within "
                    + timeout.toMillis() + " ms:");
            for (RedisServer node : nodes) {
                state.append("\n").append(node).append(": ");
                try {
                    state.append(node.command(Duration.ofSeconds(1), "CLUSTER", "INFO").replace("\r\n", " "));
                } catch (RuntimeException e) {
                    state.append(e.getMessage());
                }
            }
            throw new IllegalStateException(state.toString());
        }
    }

    /**
     * Repairs the cluster after a fault test: resumes paused nodes, restarts stopped or killed ones (same port,
     * same node id) and waits up to 30 s for {@code cluster_state:ok} on every node.
     */
    public void ensureRunning() {
        if (closed) {
            throw new IllegalStateException("cluster is closed");
        }
        for (RedisServer node : nodes) {
            node.ensureRunning();
        }
        awaitClusterOk(CLUSTER_TIMEOUT);
    }

    /** Stops every node and deletes their temp directories. Idempotent. */
    @Override
    public void close() {
        closed = true;
        LocalServer.closeAll(nodes);
    }

    @Override
    public String toString() {
        return "RedisCluster" + seeds();
    }

    private static void addSlots(RedisServer node, int first, int last) {
        try {
            node.command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(first), Integer.toString(last));
        } catch (IllegalStateException e) {
            // Redis < 7.0 has no ADDSLOTSRANGE: list the slots one by one.
            String[] args = new String[last - first + 3];
            args[0] = "CLUSTER";
            args[1] = "ADDSLOTS";
            for (int slot = first; slot <= last; slot++) {
                args[slot - first + 2] = Integer.toString(slot);
            }
            node.command(args);
        }
    }
}
