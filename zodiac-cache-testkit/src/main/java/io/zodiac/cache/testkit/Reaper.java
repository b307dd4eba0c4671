package io.zodiac.cache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers every live server process and temp directory, and kills / deletes whatever is left when the JVM
 * exits (a JVM shutdown hook), so a crashed or aborted test run does not leave servers behind.
 */
final class Reaper {

    /** System property: set to {@code true} to keep temp directories (configs, logs) for debugging. */
    static final String KEEP_TEMP_DIRS_PROPERTY = "zodiac.testkit.keepTempDirs";

    private static final Set<ServerProcess> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reapAll, "zodiac-testkit-reaper"));
    }

    private Reaper() {
    }

    static void register(ServerProcess process) {
        PROCESSES.add(process);
    }

    static void unregister(ServerProcess process) {
        PROCESSES.remove(process);
    }

    /** Creates a temp directory that is deleted by {@link #deleteDirectory} or at JVM exit. */
    static Path createTempDirectory(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            DIRECTORIES.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory", e);
        }
    }

    /** Deletes the directory recursively (unless temp directories are kept for debugging). */
    static void deleteDirectory(Path dir) {
        DIRECTORIES.remove(dir);
        if (!Boolean.getBoolean(KEEP_TEMP_DIRS_PROPERTY)) {
            deleteRecursively(dir);
        }
    }

    static void reapAll() {
        for (ServerProcess process : new ArrayList<>(PROCESSES)) {
            process.destroyNow();
        }
        for (Path dir : new ArrayList<>(DIRECTORIES)) {
            deleteDirectory(dir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Best effort: a leftover temp directory must never fail a test.
        }
    }
}
