package io.zodiac.cache.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One operating-system process of a server (redis-server, memcached): launch, signals, log file. Output
 * (stdout and stderr) is appended to a log file. Not responsible for readiness: callers probe the server.
 */
final class ServerProcess {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String description;
    private final List<String> command;
    private final Path workDir;
    private final Path logFile;

    private volatile Process process;
    private volatile boolean paused;

    ServerProcess(String description, List<String> command, Path workDir, Path logFile) {
        this.description = description;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.logFile = logFile;
    }

    String description() {
        return description;
    }

    Path logFile() {
        return logFile;
    }

    /** Starts the process; output is appended to the log file. */
    synchronized void launch() {
        if (isAlive()) {
            throw new IllegalStateException(description + " is already running");
        }
        try {
            Files.writeString(logFile,
                    "---- zodiac-testkit " + Instant.now() + ": launching " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process started = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            started.getOutputStream().close();
            process = started;
            paused = false;
            Reaper.register(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch " + description + ": " + String.join(" ", command), e);
        }
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    boolean isPaused() {
        return paused && isAlive();
    }

    /** Exit code of the last run, or null while it runs or if it never ran. */
    Integer exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? null : p.exitValue();
    }

    long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException(description + " was never started");
        }
        return p.pid();
    }

    /** SIGTERM (after SIGCONT if paused), waiting up to {@code grace}; SIGKILL if it does not exit in time. */
    synchronized void stop(Duration grace) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            markGone();
            return;
        }
        if (paused) {
            signal("CONT");
            paused = false;
        }
        p.destroy();
        if (!waitFor(p, grace)) {
            p.destroyForcibly();
            waitFor(p, KILL_WAIT);
        }
        markGone();
    }

    /** SIGKILL and wait until the process is gone. */
    synchronized void kill() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            if (!waitFor(p, KILL_WAIT)) {
                throw new IllegalStateException(description + " (pid " + p.pid() + ") survived SIGKILL");
            }
        }
        markGone();
    }

    /** SIGSTOP: the process keeps its sockets (the kernel still accepts connections) but answers nothing. */
    synchronized void pause() {
        if (!isAlive()) {
            throw new IllegalStateException(description + " is not running, it cannot be paused");
        }
        if (paused) {
            return;
        }
        signal("STOP");
        awaitStopped(true);
        paused = true;
    }

    /** SIGCONT after {@link #pause()}; no-op if not paused. */
    synchronized void resume() {
        if (!paused) {
            return;
        }
        if (isAlive()) {
            signal("CONT");
            awaitStopped(false);
        }
        paused = false;
    }

    /** Used by the JVM shutdown hook: SIGKILL without waiting for locks. */
    void destroyNow() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            waitFor(p, Duration.ofSeconds(2));
        }
    }

    /** The last {@code maxLines} lines of the log file (empty if there is none). */
    String logTail(int maxLines) {
        return tail(logFile, maxLines);
    }

    static String tail(Path file, int maxLines) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int chunk = (int) Math.min(length, 32 * 1024);
            byte[] bytes = new byte[chunk];
            raf.seek(length - chunk);
            raf.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            int end = lines.length;
            if (end > 0 && lines[end - 1].isEmpty()) {
                end--;
            }
            int start = Math.max(0, end - maxLines);
            return String.join("\n", java.util.Arrays.asList(lines).subList(start, end));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    private void markGone() {
        paused = false;
        Reaper.unregister(this);
    }

    private void signal(String signal) {
        long pid = pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).start();
            kill.getOutputStream().close();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed for " + description
                        + (output.isEmpty() ? "" : ": " + output));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run `kill -" + signal + " " + pid + "` (is procps installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + description, e);
        }
    }

    /** Waits until /proc reports the process as stopped (or running again). No-op where /proc is missing. */
    private void awaitStopped(boolean stopped) {
        Path stat = Path.of("/proc", Long.toString(pid()), "stat");
        if (!Files.isReadable(stat)) {
            return;
        }
        boolean reached = Poll.until(Duration.ofSeconds(5), () -> {
            if (!isAlive()) {
                return true;
            }
            try {
                String content = Files.readString(stat, StandardCharsets.US_ASCII);
                char state = content.charAt(content.lastIndexOf(')') + 2);
                boolean isStopped = state == 'T' || state == 't';
                return isStopped == stopped;
            } catch (IOException | RuntimeException e) {
                return true;
            }
        });
        if (!reached) {
            throw new IllegalStateException(description + " did not become " + (stopped ? "stopped" : "running")
                    + " after the signal");
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
