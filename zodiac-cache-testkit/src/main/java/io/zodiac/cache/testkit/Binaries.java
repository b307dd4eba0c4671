package io.zodiac.cache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Locates the server binaries: an environment variable wins, otherwise the {@code PATH} is searched. */
final class Binaries {

    static final String REDIS_SERVER_ENV = "REDIS_SERVER_BIN";
    static final String MEMCACHED_ENV = "MEMCACHED_BIN";
    static final String OPENSSL_ENV = "OPENSSL_BIN";

    private static final Map<Path, int[]> REDIS_VERSIONS = new ConcurrentHashMap<>();
    private static final Pattern REDIS_VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

    private Binaries() {
    }

    static Path redisServer() {
        return find("redis-server", REDIS_SERVER_ENV, "apt-get install -y redis-server");
    }

    static Path memcached() {
        return find("memcached", MEMCACHED_ENV, "apt-get install -y memcached");
    }

    static Path openssl() {
        return find("openssl", OPENSSL_ENV, "apt-get install -y openssl");
    }

    /**
     * Finds {@code name}: the path in environment variable {@code envVar} if set, else the first executable
     * file called {@code name} on the {@code PATH}.
     *
     * @throws IllegalStateException saying how to install the binary when it cannot be found
     */
    static Path find(String name, String envVar, String installCommand) {
        String fromEnv = System.getenv(envVar);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path path = Path.of(fromEnv.trim());
            if (Files.isRegularFile(path) && Files.isExecutable(path)) {
                return path;
            }
            throw new IllegalStateException(envVar + "=" + fromEnv + " is not an executable file: point it at the "
                    + name + " binary or unset it to search the PATH");
        }
        String pathVar = System.getenv("PATH");
        if (pathVar != null) {
            for (String dir : pathVar.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException(name + " not found on PATH: install it with `" + installCommand
                + "` (Debian/Ubuntu) or set " + envVar);
    }

    /** Returns {major, minor, patch} of the given redis-server binary ({0,0,0} when it cannot be told). */
    static int[] redisVersion(Path redisServer) {
        return REDIS_VERSIONS.computeIfAbsent(redisServer, Binaries::readRedisVersion).clone();
    }

    /** True when the redis-server binary is at least {@code major.minor}. */
    static boolean redisAtLeast(Path redisServer, int major, int minor) {
        int[] v = redisVersion(redisServer);
        return v[0] > major || (v[0] == major && v[1] >= minor);
    }

    private static int[] readRedisVersion(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            Matcher m = REDIS_VERSION.matcher(out);
            if (m.find()) {
                return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))};
            }
            return new int[] {0, 0, 0};
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + binary + " --version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + binary + " --version", e);
        }
    }
}
