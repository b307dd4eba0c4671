package io.zodiac.cache.contract;

import io.zodiac.cache.testkit.LocalServer;
import java.util.List;

/**
 * Fault control over the server processes a {@link CacheContract} subclass runs against, from the
 * testkit: a single node, or every process of a cluster or a Sentinel setup at once. The fail-open
 * rows use it; a backend without a server has none.
 */
public final class ServerFaults {

    private final List<? extends LocalServer> processes;
    private final Runnable repair;

    private ServerFaults(List<? extends LocalServer> processes, Runnable repair) {
        this.processes = List.copyOf(processes);
        this.repair = repair;
    }

    /** The faults of one server. */
    public static ServerFaults of(LocalServer server) {
        return new ServerFaults(List.of(server), server::ensureRunning);
    }

    /**
     * The faults of several processes that fail together (a cluster's nodes, a Sentinel setup),
     * brought back by {@code repair} (the setup's own {@code ensureRunning}, which also restores
     * what ties the processes together).
     */
    public static ServerFaults of(List<? extends LocalServer> processes, Runnable repair) {
        return new ServerFaults(processes, repair);
    }

    /** Kills every process (SIGKILL): connections drop, nothing answers. */
    public void kill() {
        processes.forEach(LocalServer::kill);
    }

    /** Starts the killed processes again on their ports. */
    public void restart() {
        repair.run();
    }

    /** Freezes every process (SIGSTOP): connections stay open, nothing answers. */
    public void pause() {
        processes.forEach(LocalServer::pause);
    }

    /** Lets the paused processes run again. */
    public void resume() {
        processes.forEach(LocalServer::resume);
    }

    /** Brings every process back to running, whatever a row left it in. */
    public void ensureRunning() {
        repair.run();
    }
}
