package io.zodiac.cache.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Redis Sentinel setup on 127.0.0.1: one master, one replica ({@code replicaof} the master) and one
 * sentinel monitoring the master as {@value #MASTER_NAME} with quorum 1 ({@code down-after-milliseconds} 2000,
 * {@code failover-timeout} 10000). {@link #start()} returns once the replica is in sync and the sentinel sees
 * the master up and knows the replica.
 *
 * <pre>{@code
 * try (RedisSentinel sentinel = RedisSentinel.start()) {
 *     RedisClient client = RedisClient.create(sentinel.uri()); // redis-sentinel://127.0.0.1:PORT#mymaster
 *     ...
 * }
 * }</pre>
 *
 * <p>After a failover (e.g. the master was killed) {@link #master()} still returns the originally started
 * master; {@link #currentMaster()} asks the sentinel.
 */
public final class RedisSentinel implements AutoCloseable {

    /** The name under which the sentinel monitors the master. */
    public static final String MASTER_NAME = "mymaster";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final RedisServer master;
    private final RedisServer replica;
    private final RedisServer sentinel;
    private volatile boolean closed;

    private RedisSentinel(RedisServer master, RedisServer replica, RedisServer sentinel) {
        this.master = master;
        this.replica = replica;
        this.sentinel = sentinel;
    }

    /**
     * Starts master, replica and sentinel.
     *
     * @return the setup, once the sentinel knows the master and the replica
     * @throws IllegalStateException if a process does not start or the setup is not ready in 30 s
     */
    public static RedisSentinel start() {
        List<RedisServer> started = new ArrayList<>();
        try {
            RedisServer master = RedisServer.start();
            started.add(master);
            RedisServer replica = RedisServer.builder().replicaOf(master).start();
            started.add(replica);
            if (!Poll.until(READY_TIMEOUT, () -> replicaInSync(replica))) {
                throw new IllegalStateException(replica + " did not sync with " + master + " within "
                        + READY_TIMEOUT.toSeconds() + " s; INFO replication: " + safeInfo(replica));
            }
            RedisServer sentinel = RedisServer.builder().sentinelOf(MASTER_NAME, master, 1).start();
            started.add(sentinel);
            RedisSentinel setup = new RedisSentinel(master, replica, sentinel);
            setup.awaitReady(READY_TIMEOUT);
            return setup;
        } catch (RuntimeException e) {
            throw LocalServer.closeAfter(started, e);
        }
    }

    /**
     * The master as started (it may have been demoted by a failover since, see {@link #currentMaster()}).
     *
     * @return the master node
     */
    public RedisServer master() {
        return master;
    }

    /**
     * The replica as started.
     *
     * @return the replica node
     */
    public RedisServer replica() {
        return replica;
    }

    /**
     * The sentinel process (a redis-server in sentinel mode), e.g. to run {@code SENTINEL ...} commands or to
     * kill it.
     *
     * @return the sentinel
     */
    public RedisServer sentinel() {
        return sentinel;
    }

    /**
     * The sentinel's host.
     *
     * @return always {@code "127.0.0.1"}
     */
    public String host() {
        return sentinel.host();
    }

    /**
     * The sentinel's port.
     *
     * @return the port
     */
    public int sentinelPort() {
        return sentinel.port();
    }

    /**
     * The name the master is monitored under.
     *
     * @return {@value #MASTER_NAME}
     */
    public String masterName() {
        return MASTER_NAME;
    }

    /**
     * The Lettuce sentinel URI: {@code redis-sentinel://127.0.0.1:SPORT#mymaster}.
     *
     * @return the URI
     */
    public String uri() {
        return "redis-sentinel://" + sentinel.address() + "#" + MASTER_NAME;
    }

    /**
     * The master address the sentinel reports now ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}).
     *
     * @return {@code "127.0.0.1:PORT"}
     */
    public String masterAddress() {
        String reply = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        if (reply == null) {
            throw new IllegalStateException("the sentinel does not know master " + MASTER_NAME);
        }
        String[] hostPort = reply.split("\n");
        return hostPort[0] + ":" + hostPort[1];
    }

    /**
     * Whichever of {@link #master()} and {@link #replica()} the sentinel reports as master now.
     *
     * @return the current master node
     */
    public RedisServer currentMaster() {
        String address = masterAddress();
        if (address.equals(master.address())) {
            return master;
        }
        if (address.equals(replica.address())) {
            return replica;
        }
        throw new IllegalStateException("the sentinel reports an unknown master " + address);
    }

    /**
     * Repairs the setup after a fault test: resumes paused processes, restarts stopped or killed ones (same
     * ports), then waits up to 30 s until the sentinel reports its master up with no failover in progress, and
     * the other node replicates that master in sync. A node that came back as a second master (the old master
     * after a failover) is made a replica right away ({@code REPLICAOF}), as the sentinel would do after its next
     * 10 s INFO round. Roles are not switched back after a failover.
     */
    public void ensureRunning() {
        if (closed) {
            throw new IllegalStateException("sentinel setup is closed");
        }
        sentinel.ensureRunning();
        master.ensureRunning();
        replica.ensureRunning();
        awaitReady(READY_TIMEOUT);
    }

    /** Stops sentinel, replica and master and deletes their temp directories. Idempotent. */
    @Override
    public void close() {
        closed = true;
        LocalServer.closeAll(List.of(sentinel, replica, master));
    }

    @Override
    public String toString() {
        return "RedisSentinel[" + uri() + ", master " + master.address() + ", replica " + replica.address() + "]";
    }

    private void awaitReady(Duration timeout) {
        if (!Poll.until(timeout, this::isReady)) {
            String state;
            try {
                state = sentinel.command(Duration.ofSeconds(1), "SENTINEL", "MASTER", MASTER_NAME)
                        .replace('\n', ' ');
            } catch (RuntimeException e) {
                state = e.getMessage();
            }
            throw new IllegalStateException("sentinel " + sentinel.address() + " did not report master "
                    + MASTER_NAME + " up with a replica in sync within " + timeout.toSeconds() + " s: " + state
                    + "\nmaster " + master.address() + ": " + safeInfo(master)
                    + "\nreplica " + replica.address() + ": " + safeInfo(replica)
                    + "\nlast lines of " + sentinel.logFile() + ":\n"
                    + ServerProcess.tail(sentinel.logFile(), 20));
        }
    }

    /**
     * One readiness check (and repair step): the sentinel flags its master plain "master" (not down, no
     * failover in progress), the master answers PING, and the other node is its replica with the link up and
     * known to the sentinel. A node that claims to be master, or follows another port, while the sentinel is
     * stable is sent REPLICAOF.
     */
    private boolean isReady() {
        try {
            Map<String, String> state = pairs(sentinel.command(Duration.ofSeconds(1), "SENTINEL", "MASTER",
                    MASTER_NAME));
            if (!"master".equals(state.get("flags"))) {
                return false;
            }
            String address = state.get("ip") + ":" + state.get("port");
            RedisServer current = address.equals(master.address()) ? master
                    : address.equals(replica.address()) ? replica : null;
            if (current == null || !current.answersProbe()) {
                return false;
            }
            RedisServer other = current == master ? replica : master;
            String info = other.command(Duration.ofSeconds(1), "INFO", "replication");
            if (!"slave".equals(RedisServer.infoField(info, "role"))
                    || !Integer.toString(current.port()).equals(RedisServer.infoField(info, "master_port"))) {
                other.command(Duration.ofSeconds(1), "REPLICAOF", current.host(), Integer.toString(current.port()));
                return false;
            }
            return "up".equals(RedisServer.infoField(info, "master_link_status"))
                    && Integer.parseInt(state.getOrDefault("num-slaves", "0")) >= 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean replicaInSync(RedisServer replica) {
        try {
            String info = replica.command(Duration.ofSeconds(1), "INFO", "replication");
            return "up".equals(RedisServer.infoField(info, "master_link_status"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String safeInfo(RedisServer server) {
        try {
            return server.command(Duration.ofSeconds(1), "INFO", "replication").replace("\r\n", " ");
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static Map<String, String> pairs(String flat) {
        Map<String, String> map = new HashMap<>();
        String[] items = flat.split("\n", -1);
        for (int i = 0; i + 1 < items.length; i += 2) {
            map.put(items[i], items[i + 1]);
        }
        return map;
    }
}
