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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * <p>The lifecycle and fault injection are {@link LocalServer}'s: {@link #stop()}, {@link #kill()},
 * {@link #pause()}, {@link #resume()}, {@link #restart()} (same port, empty cache). Instances are thread-safe;
 * processes are killed and directories deleted at JVM exit.
 */
public final class MemcachedServer extends LocalServer {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<String> TERMINAL = Set.of("END", "STORED", "NOT_STORED", "EXISTS", "NOT_FOUND",
            "DELETED", "TOUCHED", "OK", "ERROR", "RESET", "HD", "NF", "NS", "EX", "EN", "MN");

    private MemcachedServer(Path binary, Path directory, int port, List<String> extraArgs) {
        super("memcached on " + Ports.LOOPBACK_HOST + ":" + port, commandLine(binary, port, extraArgs), directory,
                "memcached.log", port, STARTUP_TIMEOUT);
    }

    private static List<String> commandLine(Path binary, int port, List<String> extraArgs) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-l", Ports.LOOPBACK_HOST,
                "-p", Integer.toString(port), "-U", "0", "-m", "64"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("-u");
            command.add("root");
        }
        command.addAll(extraArgs);
        return command;
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
        List<String> args = List.of(extraArgs);
        Path binary = Binaries.memcached();
        return startOnFreePort("memcached", Ports::freePort,
                dir -> port -> new MemcachedServer(binary, dir, port, args));
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
            socket.connect(new InetSocketAddress(host(), port()), millis);
            socket.setSoTimeout(millis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write((request + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(description() + ": '" + firstLine(request) + "' failed: " + e, e);
        }
    }

    /** Invalidates every item ({@code flush_all}). */
    @Override
    public void flushAll() {
        String reply = command("flush_all");
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("flush_all answered " + reply);
        }
    }

    @Override
    boolean answersProbe() {
        try {
            return command(PROBE_TIMEOUT, "version").startsWith("VERSION ");
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    String probeName() {
        return "'version'";
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
