package io.zodiac.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.contract.StampedeChild;
import io.zodiac.cache.testkit.MemcachedExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** getOrSet across JVMs: one producer run for a cold key, however many callers in however many processes. */
@Timeout(120)
class MemcachedStampedeTest {

    @RegisterExtension
    static final MemcachedExtension MEMCACHED = MemcachedExtension.create();

    private static final int JVMS = 3;
    private static final int CALLERS = 20;
    private static final Duration PRODUCER = Duration.ofMillis(300);
    /** A lease far above the producer's time, so that a slow machine cannot let a second producer in. */
    private static final Duration LEASE = Duration.ofSeconds(10);

    @Test
    void oneProducerRunAcrossJvms(@TempDir Path logs) throws Exception {
        String prefix = "stampede-" + System.nanoTime();
        String key = "cold";
        List<Child> children = new ArrayList<>();
        try {
            for (int i = 0; i < JVMS; i++) {
                children.add(Child.start(logs.resolve("child-" + i + ".log"), MEMCACHED.address(), prefix, key));
            }
            for (Child child : children) {
                assertThat(child.readLine()).as("child ready; its log:%n%s", child.logText()).isEqualTo("READY");
            }
            for (Child child : children) {
                child.send("GO");
            }
            List<String> results = new ArrayList<>();
            StringBuilder transcript = new StringBuilder();
            for (Child child : children) {
                List<String> lines = child.remainingLines();
                transcript.append(String.format("%n--- %s: output%n%s%n--- its log%n%s", child.log().getFileName(),
                        String.join("\n", lines), child.logText()));
                assertThat(lines).as("output; log:%n%s", child.logText()).contains("DONE").noneMatch(l -> l.startsWith("FAILED"));
                lines.stream().filter(line -> line.startsWith("RESULT ")).map(line -> line.split(" ")[1]).forEach(results::add);
                assertThat(child.exitCode()).as("exit code; log:%n%s", child.logText()).isZero();
            }

            assertThat(results).as("results; every child:%s", transcript).hasSize(JVMS * CALLERS)
                    .allMatch(value -> value.startsWith("value-of-"));
            assertThat(results).as("every caller got the one produced value; every child:%s", transcript)
                    .containsOnly(results.get(0));
            try (CacheManager manager = new CacheManager()) {
                ZodiacCache cache = manager.setup(prefix, CacheConfig.fromUri("memcached://" + MEMCACHED.address()).build());
                assertThat(cache.get(StampedeChild.PRODUCER_CALLS, Long.class).join())
                        .as("producer runs; every child:%s", transcript).isEqualTo(1L);
            }
        } finally {
            children.forEach(Child::destroy);
        }
    }

    /** A child JVM running {@link StampedeChild}, with stdout read line by line and stderr in a file. */
    private record Child(Process process, BufferedReader stdout, Path log) {

        static Child start(Path log, String address, String prefix, String key) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(StampedeChild.command(prefix, key, CALLERS, PRODUCER, LEASE,
                    Map.of("cache", "memcached", "servers", address)));
            builder.redirectError(log.toFile());
            Process process = builder.start();
            return new Child(process, new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)), log);
        }

        String readLine() throws Exception {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return stdout.readLine();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).get(60, TimeUnit.SECONDS);
        }

        void send(String line) throws IOException {
            OutputStream stdin = process.getOutputStream();
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        List<String> remainingLines() throws Exception {
            List<String> lines = new ArrayList<>();
            try {
                for (String line = readLine(); line != null; line = readLine()) {
                    lines.add(line);
                }
            } catch (TimeoutException e) {
                throw new AssertionError(String.format("the child printed nothing more for 60 s and did not end; its "
                        + "output so far:%n%s%n--- its log%n%s%n--- its threads%n%s", String.join("\n", lines),
                        logText(), threads()), e);
            }
            return lines;
        }

        int exitCode() throws InterruptedException {
            if (process.waitFor(60, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
            throw new AssertionError(String.format("the child did not end within 60 s of its output; its log:%n%s%n"
                    + "--- its threads%n%s", logText(), threads()));
        }

        /** The child's thread dump ({@code jstack}), to show what holds it. */
        String threads() {
            try {
                Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                        Long.toString(process.pid())).redirectErrorStream(true).start();
                String dump = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                jstack.waitFor(20, TimeUnit.SECONDS);
                return dump;
            } catch (IOException e) {
                return e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e.toString();
            }
        }

        String logText() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return e.toString();
            }
        }

        void destroy() {
            process.destroyForcibly();
        }
    }
}
