package io.zodiac.cache.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A real {@code memcached} process: {@code memcached -l 127.0.0.1 -p PORT -U 0 -m 64} (plus {@code -u root}
 * when the tests run as root), with its own temp directory holding the log file.
 *
 * <pre>{@code
 * try (MemcachedServer memcached = MemcachedServer.start()) {
 *     memcached.command("set k 0 0 5\r\nhello");           // "STORED"
 *     memcached.command("get k");                          // "VALUE k 0 5\r\nhello\r\nEND"
 *     MemcachedClient client = new MemcachedClient(memcached.address());
 * }
 * }</pre>
 *
 * <p>Fault injection works like {@link RedisServer}: {@link #stop()}, {@link #kill()}, {@link #pause()},
 * {@link #resume()}, {@link #restart()} (same port, empty cache). Instances are thread-safe; processes are
 * killed and directories deleted at JVM exit.
 */
public final class MemcachedServer implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 40;
    private static final int PORT_ATTEMPTS = 3;
    private static final Set<String> TERMINAL = Set.of("END", "STORED", "NOT_STORED", "EXISTS", "NOT_FOUND",
            "DELETED", "TOUCHED", "OK", "ERROR", "RESET", "HD", "NF", "NS", "EX", "EN", "MN");

    private final Path directory;
    private final int port;
    private final ServerProcess process;
    private volatile boolean closed;

    private MemcachedServer(Path binary, Path directory, int port, List<String> extraArgs) {
        this.directory = directory;
        this.port = port;
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-l", Ports.LOOPBACK_HOST,
                "-p", Integer.toString(port), "-U", "0", "-m", "64"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("-u");
            command.add("root");
        }
        command.addAll(extraArgs);
        this.process = new ServerProcess("memcached on " + Ports.LOOPBACK_HOST + ":" + port, command, directory,
                directory.resolve("memcached.log"));
    }

    /**
     * Starts memcached on a free port and waits until it answers {@code version}.
     *
     * @return the running server
     * @throws IllegalStateException if memcached is not installed (the message says how to install it) or does
     *     not start (the message includes the tail of its log)
     */
    public static MemcachedServer start() {
        return start(new String[0]);
    }

    /**
     * Like {@link #start()} with extra command-line arguments, e.g. {@code "-I", "2m"} or {@code "-vv"}.
     *
     * @param extraArgs arguments appended to the command line
     * @return the running server
     */
    public static MemcachedServer start(String... extraArgs) {
        for (String arg : extraArgs) {
            Objects.requireNonNull(arg, "argument");
        }
        Path binary = Binaries.memcached();
        Path dir = Reaper.createTempDirectory("zodiac-testkit-memcached-");
        try {
            for (int attempt = 1; ; attempt++) {
                MemcachedServer server = new MemcachedServer(binary, dir, Ports.freePort(), List.of(extraArgs));
                Files.deleteIfExists(server.logFile());
                if (server.launchAndAwait(true)) {
                    return server;
                }
                if (attempt >= PORT_ATTEMPTS) {
                    throw new IllegalStateException("could not start memcached: the picked ports were taken "
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
     * The host memcached listens on.
     *
     * @return always {@code "127.0.0.1"}
     */
    public String host() {
        return Ports.LOOPBACK_HOST;
    }

    /**
     * The TCP port; kept across {@link #restart()}.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * {@code "127.0.0.1:PORT"}, the form most memcached clients take.
     *
     * @return the address
     */
    public String address() {
        return host() + ":" + port;
    }

    /**
     * The temp directory (log file); deleted by {@link #close()}.
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * The file that receives memcached's stdout and stderr (appended across restarts).
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
     * Sends one text-protocol request on a fresh connection (5 s timeout) and returns the raw reply without its
     * final CRLF. {@code "\r\n"} is appended to the request; a storage command carries its data block after an
     * inner CRLF: {@code command("set k 0 0 5\r\nhello")} returns {@code "STORED"},
     * {@code command("get k")} returns {@code "VALUE k 0 5\r\nhello\r\nEND"}, {@code command("incr n 1")}
     * returns the number.
     *
     * @param request the request line(s), without the final CRLF
     * @return the reply lines joined by CRLF
     * @throws UncheckedIOException when memcached cannot be reached or does not answer in time
     */
    public String command(String request) {
        return command(COMMAND_TIMEOUT, request);
    }

    /**
     * Like {@link #command(String)} with an explicit connect and read timeout.
     *
     * @param timeout bound for connecting and for reading the reply
     * @param request the request line(s), without the final CRLF
     * @return the reply lines joined by CRLF
     */
    public String command(Duration timeout, String request) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write((request + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(process.description() + ": '" + firstLine(request) + "' failed: " + e, e);
        }
    }

    /** Invalidates every item ({@code flush_all}). */
    public void flushAll() {
        String reply = command("flush_all");
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("flush_all answered " + reply);
        }
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

    /** Stops memcached gracefully (SIGTERM, SIGKILL after 10 s) and waits for the process to exit. */
    public void stop() {
        process.stop(STOP_GRACE);
    }

    /** Kills memcached with SIGKILL and waits for the process to exit. */
    public void kill() {
        process.kill();
    }

    /** Freezes the process with SIGSTOP: connections are accepted by the kernel but nothing is answered. */
    public void pause() {
        process.pause();
    }

    /** Unfreezes a {@link #pause() paused} process with SIGCONT; no-op when not paused. */
    public void resume() {
        process.resume();
    }

    /**
     * Starts memcached again on the same port (after {@link #stop()} or {@link #kill()}; a running server is
     * stopped gracefully first) and waits until it answers {@code version}. The cache starts empty.
     */
    public void restart() {
        checkOpen();
        if (process.isAlive()) {
            process.stop(STOP_GRACE);
        }
        launchAndAwait(false);
    }

    /**
     * Brings memcached back after a fault test: resumes it if paused, restarts it if down, then waits until it
     * answers {@code version}.
     */
    public void ensureRunning() {
        checkOpen();
        if (process.isPaused()) {
            process.resume();
        }
        if (!process.isAlive()) {
            launchAndAwait(false);
        } else if (!Poll.until(STARTUP_TIMEOUT, this::answersVersion)) {
            throw new IllegalStateException(process.description() + " is running but does not answer 'version'");
        }
    }

    /**
     * Kills memcached (SIGKILL: it keeps nothing on disk, and a graceful exit takes it about a second) and
     * deletes its temp directory. Idempotent.
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
        return "MemcachedServer[" + process.description() + (closed ? ", closed" : isRunning() ? "" : ", down")
                + "]";
    }

    /** Returns false only when the port was taken on the first start (the caller retries another port). */
    private boolean launchAndAwait(boolean firstStart) {
        process.launch();
        boolean settled = Poll.until(STARTUP_TIMEOUT, () -> !process.isAlive() || answersVersion());
        if (settled && process.isAlive()) {
            return true;
        }
        String tail = process.logTail(LOG_TAIL_LINES);
        Integer exit = process.exitCode();
        process.kill();
        if (firstStart && tail.contains("Address already in use")) {
            return false;
        }
        String why = exit != null ? "exited with code " + exit
                : "did not answer 'version' within " + STARTUP_TIMEOUT.toSeconds() + " s";
        throw new IllegalStateException(process.description() + " " + why + " while starting; last lines of "
                + logFile() + ":\n" + tail);
    }

    private boolean answersVersion() {
        try {
            return command(Duration.ofSeconds(1), "version").startsWith("VERSION ");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static String readReply(InputStream in) throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = readLine(in);
            if (reply.length() > 0) {
                reply.append("\r\n");
            }
            reply.append(line);
            String word = line.split(" ", 2)[0];
            if (word.equals("VALUE") || word.equals("VA")) {
                String[] parts = line.split(" ");
                int length = Integer.parseInt(word.equals("VALUE") ? parts[3] : parts[1]);
                byte[] data = in.readNBytes(length);
                if (data.length < length || in.read() != '\r' || in.read() != '\n') {
                    throw new EOFException("truncated data block");
                }
                reply.append("\r\n").append(new String(data, StandardCharsets.UTF_8));
                if (word.equals("VA")) {
                    return reply.toString();
                }
                continue;
            }
            if (TERMINAL.contains(word) || word.equals("VERSION") || word.equals("CLIENT_ERROR")
                    || word.equals("SERVER_ERROR") || (!word.isEmpty() && word.chars().allMatch(Character::isDigit))) {
                return reply.toString();
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed by memcached");
            }
            if (b == '\n' && previous == '\r') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
    }

    private static String firstLine(String request) {
        int end = request.indexOf('\r');
        return end < 0 ? request : request.substring(0, end);
    }
}
