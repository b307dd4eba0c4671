package io.zodiac.cache.contract;

/**
 * Fault control over the server a {@link CacheContract} subclass runs against (the testkit's
 * servers implement it in a line each). The fail-open rows use it; a backend without a server
 * has none.
 */
public interface ServerFaults {

    /** Kills the server (SIGKILL): connections drop, nothing answers. */
    void kill();

    /** Starts the killed server again on the same port. */
    void restart();

    /** Freezes the server (SIGSTOP): connections stay open, nothing answers. */
    void pause();

    /** Lets a paused server run again. */
    void resume();

    /** Brings the server back to running, whatever a row left it in. */
    void ensureRunning();
}
