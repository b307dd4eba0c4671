package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code zodiac-cache} in a JVM of its own, as a user does, and captures what it prints. */
final class Cli {

    private static final long TIMEOUT_SECONDS = 120;

    /** What one run printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {

        List<String> stderrLines() {
            return stderr.lines().toList();
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    /** Runs with {@code environment} on top of this JVM's, without the ZODIAC_CACHE_* variables of the developer. */
    static Result run(Map<String, String> environment, String... args) {
        List<String> command = command(args);
        try {
            Path stdout = Files.createTempFile("zodiac-cache-cli", ".out");
            Path stderr = Files.createTempFile("zodiac-cache-cli", ".err");
            try {
                Process process = start(command, environment, stdout, stderr);
                return finish(process, stdout, stderr, args);
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A command running in the background, whose output is written to files until it ends. */
    record Running(Process process, Path stdout, Path stderr, String[] args) {

        /** What it printed on stdout so far. */
        String stdoutSoFar() {
            try {
                return Files.readString(stdout, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for the end, then deletes the output files. */
        Result await() {
            try {
                return finish(process, stdout, stderr, args);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                try {
                    Files.deleteIfExists(stdout);
                    Files.deleteIfExists(stderr);
                } catch (IOException e) {
                    // temporary files
                }
            }
        }
    }

    /** Starts the command and returns at once, as {@link #run(Map, String...)} without the wait. */
    static Running start(Map<String, String> environment, String... args) {
        try {
            Path stdout = Files.createTempFile("zodiac-cache-cli", ".out");
            Path stderr = Files.createTempFile("zodiac-cache-cli", ".err");
            return new Running(start(command(args), environment, stdout, stderr), stdout, stderr, args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(Main.nativeAccess());        // as the runnable jar's manifest does
        command.addAll(List.of(
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static Process start(List<String> command, Map<String, String> environment, Path stdout, Path stderr)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ZODIAC_CACHE_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private static Result finish(Process process, Path stdout, Path stderr, String... args) throws IOException {
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("zodiac-cache " + String.join(" ", args) + " did not end within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
