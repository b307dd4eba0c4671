package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Reactor is an optional dependency: without it on the class path, plain and async methods are
 * cached, invalidated and updated, and nothing asks for a Reactor class. Checked in a child JVM
 * whose class path lacks reactor-core and reactive-streams.
 */
class ReactorOptionalTest {

    /** What the child JVM runs. */
    public static final class Child {

        public interface Users {
            @Cached(name = "users", key = "user:{0}")
            String find(long id);

            @Cached(name = "users", key = "async:{0}")
            CompletableFuture<String> findAsync(long id);

            @CacheUpdate(name = "users", key = "user:{0}")
            String rename(long id, String name);

            @CacheInvalidate(name = "users", key = "async:{0}")
            CompletableFuture<Void> forget(long id);
        }

        public static final class Db implements Users {
            int finds;

            @Override
            public String find(long id) {
                return "user-" + id + "-" + ++finds;
            }

            @Override
            public CompletableFuture<String> findAsync(long id) {
                return CompletableFuture.completedFuture("async-" + id + "-" + ++finds);
            }

            @Override
            public String rename(long id, String name) {
                return name;
            }

            @Override
            public CompletableFuture<Void> forget(long id) {
                return CompletableFuture.completedFuture(null);
            }
        }

        public static void main(String[] args) {
            try (CacheManager manager = new CacheManager()) {
                manager.setup("app", CacheConfig.builder().name("users").build());
                Users users = CachedProxy.of(manager, Users.class, new Db());
                System.out.println("find: " + users.find(1) + " " + users.find(1));
                System.out.println("async: " + users.findAsync(2).join() + " " + users.findAsync(2).join());
                users.rename(1, "ada");
                users.forget(2).join();
                System.out.println("after: " + users.find(1) + " " + users.findAsync(2).join());
                System.out.println("reactor loaded: " + isLoaded("reactor.core.publisher.Mono"));
            }
        }

        private static boolean isLoaded(String name) {
            try {
                Class.forName(name, false, Child.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }
    }

    @Test
    void withoutReactorPlainAndAsyncMethodsWork() throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("reactor-core") && !entry.contains("reactive-streams"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", classPath, Child.class.getName()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("find: user-1-1 user-1-1")
                .contains("async: async-2-2 async-2-2")
                .contains("after: ada async-2-3")
                .contains("reactor loaded: false");
    }
}
