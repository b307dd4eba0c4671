package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.key.KeyBuilder;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the annotations accept, checked when the proxy is created: key templates (placeholders,
 * paths, how values become text), the writing annotations' elements, and the return types that
 * cannot be cached.
 */
class CacheAnnotationsTest {

    private final CacheManager manager = new CacheManager();
    private final ZodiacCache cache = manager.setup("annotations");

    @AfterEach
    void close() {
        manager.close();
    }

    enum Tier { GOLD }

    public record Address(String city, Integer zip) {
    }

    public record Account(long id, Address address, Tier tier) {
    }

    /** A JavaBean with a getter, a boolean getter and a public field. */
    public static class Bean {
        public final String code;
        private final boolean active;

        public Bean(String code, boolean active) {
            this.code = code;
            this.active = active;
        }

        public BigDecimal getPrice() {
            return new BigDecimal("1.50");
        }

        public boolean isActive() {
            return active;
        }
    }

    public interface Templates {
        @Cached(key = "a:{account.id}:{account.address.city}:{account.address.zip}:{account.tier}")
        String account(Account account);

        @Cached(key = "b:{0.code}/{bean.active}/{bean.price}")
        String bean(Bean bean);

        @Cached(key = "v:{id}:{day}:{uuid}:{flag}:{c}")
        String values(long id, LocalDate day, UUID uuid, Boolean flag, char c);
    }

    @Test
    void placeholdersFollowPathsAndWriteValuesAsText() {
        Templates proxy = CachedProxy.of(manager, Templates.class, new Templates() {
            @Override
            public String account(Account account) {
                return "account";
            }

            @Override
            public String bean(Bean bean) {
                return "bean";
            }

            @Override
            public String values(long id, LocalDate day, UUID uuid, Boolean flag, char c) {
                return "values";
            }
        });
        proxy.account(new Account(42, new Address("Paris", null), Tier.GOLD));
        proxy.account(new Account(43, null, null));
        proxy.bean(new Bean("x-1", true));
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        proxy.values(7, LocalDate.of(2026, 12, 1), uuid, null, 'q');

        assertThat(cache.keys("", 10).join()).containsExactlyInAnyOrder(
                "a:42:Paris:null:GOLD",
                "a:43:null:null:null",
                "b:x-1/true/1.50",
                "v:7:2026-12-01:123e4567-e89b-12d3-a456-426614174000:null:q");
    }

    // ---------------------------------------------------------------- template errors

    public interface UnknownName {
        @Cached(key = "user:{idd}")
        String find(long id);
    }

    public interface UnknownPath {
        @Cached(key = "user:{account.address.street}")
        String find(Account account);
    }

    public interface NotAValue {
        @Cached(key = "user:{account.address}")
        String find(Account account);
    }

    public interface NoSuchIndex {
        @Cached(key = "user:{1}")
        String find(long id);
    }

    public interface Unclosed {
        @Cached(key = "user:{id")
        String find(long id);
    }

    @Test
    void aWrongTemplateFailsAtProxyCreationNamingTheMethodAndThePlaceholder() {
        assertThatThrownBy(() -> CachedProxy.of(manager, UnknownName.class, id -> "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(UnknownName.class.getName() + ".find(long)")
                .hasMessageContaining("{idd}: 'idd' is not a parameter; the parameters are [id]");
        assertThatThrownBy(() -> CachedProxy.of(manager, UnknownPath.class, a -> "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{account.address.street}: " + Address.class.getName() + " has no record component");
        assertThatThrownBy(() -> CachedProxy.of(manager, NotAValue.class, a -> "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{account.address} ends at a " + Address.class.getName())
                .hasMessageContaining("no stable text form");
        assertThatThrownBy(() -> CachedProxy.of(manager, NoSuchIndex.class, id -> "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{1}: there is no argument #1");
        assertThatThrownBy(() -> CachedProxy.of(manager, Unclosed.class, id -> "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not closed");
    }

    @Test
    void parameterNamesWithoutJavacParametersFailNamingTheFlag(@TempDir Path dir) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path source = dir.resolve("NoNames.java");
        Files.writeString(source, """
                public interface NoNames {
                    @io.zodiac.cache.Cached(key = "user:{id}")
                    String find(long id);

                    @io.zodiac.cache.Cached(key = "user:{0}")
                    String byIndex(long id);
                }
                """);
        int status = javac.run(null, null, null, "-classpath", System.getProperty("java.class.path"), "-d", dir.toString(),
                source.toString());
        assertThat(status).as("javac without -parameters").isZero();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> type = loader.loadClass("NoNames");
            assertThat(type.getMethod("find", long.class).getParameters()[0].isNamePresent()).isFalse();

            assertThatThrownBy(() -> proxy(type))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NoNames.find(long)")
                    .hasMessageContaining("{id} names a parameter")
                    .hasMessageContaining("javac -parameters")
                    .hasMessageContaining("<parameters>true</parameters>")
                    .hasMessageContaining("{0}");
        }
    }

    private <T> T proxy(Class<T> type) {
        return CachedProxy.of(manager, type, type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(),
                new Class<?>[] {type}, (p, m, a) -> "x")));
    }

    // ---------------------------------------------------------------- writing annotations

    public interface InvalidateWithoutKey {
        @CacheInvalidate(name = "users")
        void save(long id);
    }

    public interface InvalidateBoth {
        @CacheInvalidate(key = "user:{id}", allEntries = true)
        void save(long id);
    }

    public interface UpdateOfVoid {
        @CacheUpdate(key = "user:{id}")
        void save(long id);
    }

    public interface ReadAndWrite {
        @Cached
        @CacheInvalidate(key = "user:{id}")
        String find(long id);
    }

    public static final class Keys implements KeyBuilder {
        @Override
        public String build(Object target, Method method, Object... args) {
            return "k";
        }
    }

    public interface TemplateAndBuilder {
        @Cached(key = "user:{id}", keyBuilder = Keys.class)
        String find(long id);
    }

    @Test
    void wrongWritingAnnotationsFailAtProxyCreation() {
        assertThatThrownBy(() -> CachedProxy.of(manager, InvalidateWithoutKey.class, id -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@CacheInvalidate")
                .hasMessageContaining("names no key").hasMessageContaining("allEntries = true");
        assertThatThrownBy(() -> CachedProxy.of(manager, InvalidateBoth.class, id -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both allEntries = true and key");
        assertThatThrownBy(() -> CachedProxy.of(manager, UpdateOfVoid.class, id -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@CacheUpdate")
                .hasMessageContaining("returns void");
        assertThatThrownBy(() -> CachedProxy.of(manager, ReadAndWrite.class, id -> "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split it in two");
        assertThatThrownBy(() -> CachedProxy.of(manager, TemplateAndBuilder.class, id -> "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both key = \"user:{id}\" and keyBuilder");
    }

    @Test
    void invalidationNeedsItsCachesBeforeTheMethodRuns() {
        List<Long> saved = new java.util.ArrayList<>();
        Saver saver = CachedProxy.of(manager, Saver.class, saved::add);
        assertThatThrownBy(() -> saver.save(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cache 'users' is not initialized");
        assertThat(saved).as("the method did not run").isEmpty();
    }

    public interface Saver {
        @CacheInvalidate(name = "users", key = "user:{id}")
        void save(long id);
    }

    // ---------------------------------------------------------------- return types

    public interface Streams {
        @Cached
        Stream<String> stream(int id);
    }

    public interface Iterators {
        @Cached
        Iterator<String> iterator(int id);
    }

    public interface Publishers {
        @Cached
        Flow.Publisher<String> publisher(int id);
    }

    public interface OptionalStreams {
        @Cached
        Optional<Stream<String>> maybe(int id);
    }

    public interface FutureIterators {
        @Cached
        CompletableFuture<Iterator<String>> later(int id);
    }

    @Test
    void returnTypesThatCannotBeCachedFailAtProxyCreation() {
        assertThatThrownBy(() -> CachedProxy.of(manager, Streams.class, id -> Stream.of("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consumed only once");
        assertThatThrownBy(() -> CachedProxy.of(manager, Iterators.class, id -> List.of("x").iterator()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("consumed only once");
        assertThatThrownBy(() -> CachedProxy.of(manager, Publishers.class, id -> subscriber -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a publisher")
                .hasMessageContaining("Mono or Flux");
        assertThatThrownBy(() -> CachedProxy.of(manager, OptionalStreams.class, id -> Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Optional of java.util.stream.Stream");
        assertThatThrownBy(() -> CachedProxy.of(manager, FutureIterators.class, id -> CompletableFuture.completedFuture(null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CompletableFuture of java.util.Iterator");
    }
}
