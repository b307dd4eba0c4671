package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.Version;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.MemcachedExtension;
import io.zodiac.cache.testkit.RedisExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** zodiac-cache as a user gets it from a repository, through the BOM. */
class SmokeTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    @RegisterExtension
    static final MemcachedExtension MEMCACHED = MemcachedExtension.create();

    @Test
    void inMemoryGetOrSetRunsTheProducerOnce() {
        try (CacheManager manager = new CacheManager()) {
            manager.setup("smoke");
            assertProducerRunsOnce(manager.cache());
        }
    }

    @Test
    void redisThroughTheTestkit() {
        try (CacheManager manager = new CacheManager()) {
            manager.setup("smoke", CacheConfig.fromUri(REDIS.uri()).build());
            assertProducerRunsOnce(manager.cache());
        }
    }

    @Test
    void memcachedThroughTheTestkit() {
        try (CacheManager manager = new CacheManager()) {
            manager.setup("smoke", CacheConfig.fromUri("memcached://" + MEMCACHED.address()).build());
            assertProducerRunsOnce(manager.cache());
        }
    }

    private static void assertProducerRunsOnce(ZodiacCache cache) {
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            String value = cache.<String>getOrSet("greeting",
                    () -> CompletableFuture.completedFuture("hello " + runs.incrementAndGet())).join();
            assertEquals("hello 1", value);
        }
        assertEquals(1, runs.get());
    }

    /** Lettuce (Netty 4.2) and folsom (built on Netty 4.1) on one classpath: every Netty jar has the tested version. */
    @Test
    void oneNettyVersion() {
        Map<String, String> versions = new TreeMap<>();
        Version.identify().forEach((artifact, version) -> versions.put(artifact, version.artifactVersion()));
        assertTrue(versions.containsKey("netty-transport"), versions.toString());
        versions.forEach((artifact, version) ->
                assertEquals(System.getProperty("expected.netty.version"), version, artifact + " in " + versions));
    }

    /** folsom's own commons-lang3 3.14.0 and dnsjava 2.1.8 have published vulnerabilities: fixed versions reach users. */
    @Test
    void noVulnerableFolsomDependencies() {
        List<String> jars = Arrays.stream(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(File.pathSeparator))
                .map(entry -> Path.of(entry).getFileName().toString()).toList();
        assertAtLeast(jars, "commons-lang3", 3, 18);
        assertAtLeast(jars, "dnsjava", 3, 6);
    }

    private static void assertAtLeast(List<String> jars, String artifact, int major, int minor) {
        Pattern pattern = Pattern.compile(Pattern.quote(artifact) + "-(\\d+)\\.(\\d+)[^/]*\\.jar");
        List<String> found = jars.stream().filter(jar -> pattern.matcher(jar).matches()).toList();
        assertEquals(1, found.size(), artifact + " on the class path: " + found);
        Matcher version = pattern.matcher(found.get(0));
        assertTrue(version.matches());
        int foundMajor = Integer.parseInt(version.group(1));
        int foundMinor = Integer.parseInt(version.group(2));
        assertTrue(foundMajor > major || foundMajor == major && foundMinor >= minor,
                found.get(0) + " is older than " + major + "." + minor);
    }

    /** The runnable command, resolved by its classifier, runs on its own. */
    @Test
    void runnableCommandFromItsClassifier() throws Exception {
        Path jar = Path.of(System.getProperty("cli.jar"));
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--version").redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "zodiac-cache --version did not end");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.startsWith("zodiac-cache 0.1.0"), output);
        assertTrue(output.contains("redis") && output.contains("memcached"), output);
    }
}
