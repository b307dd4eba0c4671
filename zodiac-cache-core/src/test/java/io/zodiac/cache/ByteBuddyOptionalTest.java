package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Byte Buddy is an optional dependency: without it on the class path, {@code CachedProxy.of} and
 * the rest of the library work, and {@code CachedProxy.subclass} fails with a message that names
 * the dependency. Checked in a child JVM whose class path lacks Byte Buddy.
 */
class ByteBuddyOptionalTest {

    /** What the child JVM runs. */
    public static final class Child {

        public interface Greeter {
            @Cached
            String greet(String name);
        }

        public static class Service {
            @Cached
            public String greet(String name) {
                return "hello " + name;
            }
        }

        public static void main(String[] args) {
            try (CacheManager manager = new CacheManager()) {
                manager.setup("app");
                Greeter greeter = CachedProxy.of(manager, Greeter.class, name -> "hi " + name);
                System.out.println("of: " + greeter.greet("ada"));
                try {
                    CachedProxy.subclass(manager, Service.class);
                    System.out.println("subclass: created");
                } catch (IllegalStateException e) {
                    System.out.println("subclass: " + e.getMessage());
                }
            }
        }
    }

    @Test
    void withoutByteBuddyOnlyClassProxiesFailAndTheirErrorNamesTheDependency() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("byte-buddy"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", classPath, Child.class.getName()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("of: hi ada")
                .contains("subclass: CachedProxy.subclass generates a subclass with Byte Buddy")
                .contains("net.bytebuddy:byte-buddy");
    }
}
