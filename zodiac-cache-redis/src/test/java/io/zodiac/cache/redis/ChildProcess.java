package io.zodiac.cache.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A child JVM of a multi-process test ({@code RefreshChild}, {@code StampedeChild}): its stdout
 * collected line by line ({@code READY} counts {@code ready} down), its stderr in a file that
 * {@link #toString()} shows the end of, driven by lines on its stdin.
 */
final class ChildProcess {
    final Process process;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final Thread reader;
    final Path stderr;

    private ChildProcess(Process process, Path stderr, CountDownLatch ready) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                    if (line.equals("READY")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                lines.add("FAILED reading stdout: " + e);
            }
        }, "stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static ChildProcess start(CountDownLatch ready, List<String> command) throws IOException {
        Path stderr = Files.createTempFile("zodiac-child", ".log");
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        return new ChildProcess(process, stderr, ready);
    }

    void send(String line) throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    @Override
    public String toString() {
        String log;
        try {
            log = Files.readString(stderr);
        } catch (IOException e) {
            log = e.toString();
        }
        return "child " + process.pid() + " lines=" + lines + " stderr=" + log.substring(Math.max(0, log.length() - 3000));
    }
}
