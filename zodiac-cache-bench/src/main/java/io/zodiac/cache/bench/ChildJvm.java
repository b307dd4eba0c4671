package io.zodiac.cache.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A harness's child JVM: {@code main} of a class on this JVM's class path, in another process,
 * driven by lines on its stdin and answering by lines on its stdout (its stderr goes to ours).
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final PrintWriter in;
    private final BufferedReader out;

    /** Starts {@code main} of {@code mainClass} with {@code args}, at most {@code maxHeap} (a {@code -Xmx} value) of heap. */
    ChildJvm(Class<?> mainClass, String maxHeap, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    void send(String line) {
        in.println(line);
    }

    /** The child's next line that starts with {@code prefix}, the lines before it skipped. */
    String expect(String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("the child JVM exited before answering " + prefix);
    }

    /** Closes its stdin (its signal to finish) and waits for it to exit, at most 20 s before it is killed. */
    @Override
    public void close() {
        in.close();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
