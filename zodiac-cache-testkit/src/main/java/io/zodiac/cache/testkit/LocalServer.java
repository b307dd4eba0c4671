package io.zodiac.cache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * A server process the kit runs on a free port of 127.0.0.1, in a temp directory of its own: the lifecycle that
 * {@link RedisServer} and {@link MemcachedServer} share. Starting waits until the server answers its readiness
 * probe (Redis {@code PING}, memcached {@code version}); fault injection is {@link #stop()} (SIGTERM),
 * {@link #kill()} (SIGKILL), {@link #pause()} (SIGSTOP), {@link #resume()} (SIGCONT) and {@link #restart()}
 * (same port, same directory); {@link #ensureRunning()} repairs any of them. Fault tests can therefore be
 * written once for every kind of server:
 *
 * <pre>{@code
 * void failsOpenWhenTheServerIsPaused(LocalServer server) {
 *     server.pause();
 *     ...
 *     server.resume();
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe. A process still running when the JVM exits is killed, and its directory deleted.
 */
public abstract sealed class LocalServer implements AutoCloseable permits RedisServer, MemcachedServer {

    /** Lines of the server's log quoted in failure messages. */
    static final int LOG_TAIL_LINES = 40;

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 3;

    private final Path directory;
    private final int port;
    private final Duration startupTimeout;
    private final ServerProcess process;
    private volatile boolean closed;

    /**
     * A server that is not launched yet.
     *
     * @param description what the server is, for messages, e.g. {@code "memcached on 127.0.0.1:41234"}
     * @param command the command line
     * @param directory the working directory, holding the log file; deleted by {@link #close()}
     * @param logFileName name of the log file in {@code directory}
     * @param port the port the command line makes the server listen on
     * @param startupTimeout how long a start waits for the readiness probe
     */
    LocalServer(String description, List<String> command, Path directory, String logFileName, int port,
            Duration startupTimeout) {
        this.directory = directory;
        this.port = port;
        this.startupTimeout = startupTimeout;
        this.process = new ServerProcess(description, command, directory, directory.resolve(logFileName));
    }

    /**
     * Creates a temp directory, lets {@code prepare} fill it (configuration files, certificates) and starts the
     * server it creates for a free port, trying another port when the picked one was taken meanwhile. The
     * directory is deleted if the server does not start.
     *
     * @param kind the server's name in messages, e.g. {@code "redis-server"}
     * @param freePorts picks a free port per attempt
     * @param prepare given the directory, returns the factory of a server on a given port
     * @param <S> the kind of server
     * @return the running server, answering its probe
     */
    static <S extends LocalServer> S startOnFreePort(String kind, IntSupplier freePorts,
            Function<Path, IntFunction<S>> prepare) {
        Path dir = Reaper.createTempDirectory("zodiac-testkit-" + kind + "-");
        try {
            IntFunction<S> create = prepare.apply(dir);
            for (int attempt = 1; ; attempt++) {
                S server = create.apply(freePorts.getAsInt());
                LocalServer candidate = server;
                Files.deleteIfExists(candidate.logFile());
                if (candidate.launchAndAwait(true)) {
                    return server;
                }
                if (attempt >= PORT_ATTEMPTS) {
                    throw new IllegalStateException("could not start " + kind + ": the picked ports were taken "
                            + PORT_ATTEMPTS + " times; last lines of its log:\n"
                            + ServerProcess.tail(server.logFile(), LOG_TAIL_LINES));
                }
            }
        } catch (IOException e) {
            Reaper.deleteDirectory(dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            Reaper.deleteDirectory(dir);
            throw e;
        }
    }

    /**
     * Closes every server, also when some fail to close.
     *
     * @param servers the servers, closed in this order
     * @throws RuntimeException the first failure, with the others suppressed
     */
    static void closeAll(List<? extends LocalServer> servers) {
        RuntimeException failure = closeEach(servers, null);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Closes the servers of a group that failed to start.
     *
     * @param servers the servers started so far
     * @param failure why the group did not start
     * @return {@code failure}, with any failure to close suppressed in it
     */
    static RuntimeException closeAfter(List<? extends LocalServer> servers, RuntimeException failure) {
        return closeEach(servers, failure);
    }

    private static RuntimeException closeEach(List<? extends LocalServer> servers, RuntimeException failure) {
        for (LocalServer server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    // ---------------------------------------------------------------- what each kind of server says

    /**
     * One readiness probe with a short timeout.
     *
     * @return true if the server answered it as a healthy server does
     */
    abstract boolean answersProbe();

    /**
     * The probe as messages name it.
     *
     * @return e.g. {@code "PING"}
     */
    abstract String probeName();

    /**
     * A message for a start that failed for a reason specific to this kind of server.
     *
     * @param logTail the last lines of the server's log
     * @return the message, or null for the general one
     */
    String explainStartupFailure(String logTail) {
        return null;
    }

    /** Deletes every entry the server holds. */
    public abstract void flushAll();

    // ---------------------------------------------------------------- accessors

    /**
     * The host the server listens on.
     *
     * @return always {@code "127.0.0.1"}
     */
    public String host() {
        return Ports.LOOPBACK_HOST;
    }

    /**
     * The port the server listens on; kept across {@link #restart()}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * {@code host:port}, e.g. {@code "127.0.0.1:41234"}, the form most clients take.
     *
     * @return the address as text
     */
    public String address() {
        return host() + ":" + port;
    }

    /**
     * The server's temp directory (configuration, log, TLS files); deleted by {@link #close()}.
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * The file that receives the process's stdout and stderr (appended across restarts).
     *
     * @return the log file
     */
    public Path logFile() {
        return process.logFile();
    }

    /**
     * The process id of the current (or last) process.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Whether the process is alive (a paused process is alive).
     *
     * @return true while the process exists
     */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Whether the process is stopped by {@link #pause()}.
     *
     * @return true between {@link #pause()} and {@link #resume()}
     */
    public boolean isPaused() {
        return process.isPaused();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Stops the server gracefully (SIGTERM, SIGKILL after 10 s) and waits for the process to exit. */
    public void stop() {
        process.stop(STOP_GRACE);
    }

    /** Kills the server with SIGKILL and waits for the process to exit. */
    public void kill() {
        process.kill();
    }

    /**
     * Freezes the process with SIGSTOP: its port stays open, the kernel still accepts connections, but nothing
     * is answered until {@link #resume()}, so clients see timeouts.
     */
    public void pause() {
        process.pause();
    }

    /** Unfreezes a {@link #pause() paused} process with SIGCONT; no-op when not paused. */
    public void resume() {
        process.resume();
    }

    /**
     * Starts the server again on the same port with the same command line and directory, after {@link #stop()}
     * or {@link #kill()}; a running server is stopped gracefully first. Returns once the server answers its
     * probe. Nothing is persisted, so a restarted server holds no data.
     *
     * @throws IllegalStateException if it does not come up (the message includes the tail of its log)
     */
    public void restart() {
        checkOpen();
        if (process.isAlive()) {
            process.stop(STOP_GRACE);
        }
        launchAndAwait(false);
    }

    /**
     * Brings the server back to a usable state after a fault test: resumes it if paused, restarts it if it is
     * down, then waits until it answers its probe.
     *
     * @throws IllegalStateException if it does not come up (the message includes the tail of its log)
     */
    public void ensureRunning() {
        checkOpen();
        if (process.isPaused()) {
            process.resume();
        }
        if (!process.isAlive()) {
            launchAndAwait(false);
        } else if (!Poll.until(startupTimeout, this::answersProbe)) {
            throw new IllegalStateException(description() + " is running but does not answer " + probeName()
                    + "; last lines of " + logFile() + ":\n" + process.logTail(LOG_TAIL_LINES));
        }
    }

    /**
     * Kills the server (SIGKILL: it keeps nothing that a graceful exit would save) and deletes its temp
     * directory. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.kill();
        } finally {
            Reaper.deleteDirectory(directory);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + description() + (closed ? ", closed" : isRunning() ? "" : ", down")
                + "]";
    }

    /** What the server is, for messages, e.g. {@code "redis-server (TLS) on 127.0.0.1:41234"}. */
    String description() {
        return process.description();
    }

    /** Launches the process and waits for the probe; false only when the port was taken on the first start. */
    private boolean launchAndAwait(boolean firstStart) {
        process.launch();
        boolean settled = Poll.until(startupTimeout, () -> !process.isAlive() || answersProbe());
        if (settled && process.isAlive()) {
            return true;
        }
        String tail = process.logTail(LOG_TAIL_LINES);
        Integer exit = process.exitCode();
        process.kill();
        if (firstStart && tail.contains("Address already in use")) {
            return false;
        }
        String explained = explainStartupFailure(tail);
        if (explained != null) {
            throw new IllegalStateException(explained);
        }
        String why = exit != null ? "exited with code " + exit
                : "did not answer " + probeName() + " within " + startupTimeout.toMillis() + " ms";
        throw new IllegalStateException(description() + " " + why + " while starting; last lines of " + logFile()
                + ":\n" + tail);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }
}
