package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.plugin.HitMissRatioPlugin;
import io.zodiac.cache.plugin.TimingPlugin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CacheManagerTest {

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void globalIsOneInstanceAndNewManagersAreIndependent() {
        assertThat(CacheManager.global()).isSameAs(CacheManager.global());
        CacheManager other = new CacheManager();
        manager.setup("a");
        assertThat(other.isSetUp(CacheManager.DEFAULT_CACHE_NAME)).isFalse();
        assertThat(CacheManager.ZODIAC_CACHE_NAMESPACE).isEqualTo("zodiac_cache");
        assertThat(CacheManager.DEFAULT_CACHE_NAME).isEqualTo("default");
    }

    @Test
    void setupCreatesTheDefaultCacheInMemoryUnderTheNamespace() {
        ZodiacCache cache = manager.setup("myapp");
        assertThat(manager.cache()).isSameAs(cache).isSameAs(manager.getCache("default"));
        assertThat(cache.name()).isEqualTo("default");
        assertThat(cache.namespace()).isEqualTo("zodiac_cache:myapp");
        assertThat(cache.config().backend()).isEqualTo("memory");
        assertThat(((DefaultZodiacCache) cache).backend().local()).isTrue();
    }

    @Test
    void namedCachesAreIndependent() {
        ZodiacCache users = manager.setup("users", CacheConfig.builder().name("users").build());
        ZodiacCache sessions = manager.setup("sessions", CacheConfig.builder().name("sessions").build());
        users.set("k", "u").join();
        sessions.set("k", "s").join();
        assertThat(manager.getCache("users").get("k").join()).isEqualTo("u");
        assertThat(manager.getCache("sessions").get("k").join()).isEqualTo("s");
        assertThat(manager.names()).containsExactly("sessions", "users");
    }

    @Test
    void setupAgainWithEqualSettingsKeepsTheSameCache() {
        HitMissRatioPlugin plugin = new HitMissRatioPlugin();
        CacheConfig config = CacheConfig.builder().defaultTtl(Duration.ofSeconds(300)).plugins(plugin).build();
        ZodiacCache first = manager.setup("myapp", config);
        first.set("kept", 1).join();
        ZodiacCache second = manager.setup("myapp", CacheConfig.builder().defaultTtl(Duration.ofSeconds(300))
                .plugins(plugin).build());
        assertThat(second).isSameAs(first);
        assertThat(second.get("kept").join()).isEqualTo(1);
    }

    @Test
    void setupAgainWithDifferentSettingsNamesWhatDiffers() {
        manager.setup("myapp", CacheConfig.builder().defaultTtl(Duration.ofSeconds(300)).build());
        assertThatThrownBy(() -> manager.setup("myapp", CacheConfig.builder().defaultTtl(Duration.ofSeconds(600)).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cache 'default' is already configured with different settings")
                .hasMessageContaining("defaultTtl (PT5M vs PT10M)");
        assertThatThrownBy(() -> manager.setup("other", CacheConfig.builder().defaultTtl(Duration.ofSeconds(300)).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("namespace (zodiac_cache:myapp vs zodiac_cache:other)");
        assertThatThrownBy(() -> manager.setup("myapp", CacheConfig.builder().defaultTtl(Duration.ofSeconds(300))
                .plugins(new TimingPlugin()).serializer("json").build()))
                .hasMessageContaining("plugins")
                .hasMessageContaining("serializer");
    }

    @Test
    void onePrefixIsOneCache() {
        manager.setup("app", CacheConfig.builder().name("users").build());

        assertThatThrownBy(() -> manager.setup("app", CacheConfig.builder().name("sessions").build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cache 'sessions' cannot use prefix 'app'")
                .hasMessageContaining("cache 'users' already uses it");
        assertThat(manager.isSetUp("sessions")).isFalse();
        assertThatThrownBy(() -> manager.setup("app", CacheConfig.builder().name("faulty").backend("faulty")
                .option("endpoint", "h").build()))
                .as("on every backend").isInstanceOf(IllegalStateException.class).hasMessageContaining("'app'");
        assertThat(manager.setup("app", CacheConfig.builder().name("users").build()))
                .as("the same name again is a no-op").isSameAs(manager.getCache("users"));

        manager.shutdown("users").join();
        assertThat(manager.setup("app", CacheConfig.builder().name("sessions").build()).name()).isEqualTo("sessions");
        try (CacheManager other = new CacheManager()) {
            assertThat(other.setup("app", CacheConfig.builder().name("users").build()).namespace())
                    .as("another manager (another JVM) may use the prefix").isEqualTo("zodiac_cache:app");
        }
    }

    @Test
    void colonsAndPercentSignsOfAPrefixAreEscapedSoNoNamespaceContainsAnother() {
        assertThat(manager.setup("app", CacheConfig.builder().name("app").build()).namespace()).isEqualTo("zodiac_cache:app");
        assertThat(manager.setup("app:sub", CacheConfig.builder().name("sub").build()).namespace())
                .isEqualTo("zodiac_cache:app%3Asub");
        assertThat(manager.setup("100%", CacheConfig.builder().name("pct").build()).namespace())
                .isEqualTo("zodiac_cache:100%25");
        assertThat(manager.setup("a%3Ab", CacheConfig.builder().name("literal").build()).namespace())
                .as("an escape in the prefix is not an escape").isEqualTo("zodiac_cache:a%253Ab");
        assertThat(manager.setup("a:b", CacheConfig.builder().name("colon").build()).namespace())
                .isEqualTo("zodiac_cache:a%3Ab");
        assertThat(manager.setup("my-app.v2_[x]*", CacheConfig.builder().name("plain").build()).namespace())
                .as("prefixes without ':' or '%' keep the seed's layout").isEqualTo("zodiac_cache:my-app.v2_[x]*");
    }

    @Test
    void sixteenThreadsRacingTheSameSetupRegisterExactlyOneCache() throws Exception {
        int before = FaultyBackendProvider.CREATED.get();
        CacheConfig config = CacheConfig.builder().name("raced").backend("faulty")
                .option("endpoint", "localhost").option("port", 1).build();
        CountDownLatch ready = new CountDownLatch(16);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<ZodiacCache>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return manager.setup("race", config);
                }));
            }
            Set<ZodiacCache> caches = new HashSet<>();
            for (Future<ZodiacCache> result : results) {
                caches.add(result.get(10, TimeUnit.SECONDS));
            }
            assertThat(caches).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(FaultyBackendProvider.CREATED.get() - before).isEqualTo(1);
    }

    @Test
    void aNameThatWasNotSetUpIsNotInitialized() {
        assertThatThrownBy(manager::cache).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cache 'default' is not initialized");
        assertThatThrownBy(() -> manager.getCache("sessions")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cache 'sessions' is not initialized");
    }

    @Test
    void shutdownOfOneNameLeavesTheOthersAndTheNameCanBeSetUpAgainDifferently() {
        manager.setup("app-a", CacheConfig.builder().name("a").build());
        ZodiacCache b = manager.setup("app-b", CacheConfig.builder().name("b").build());
        b.set("k", "v").join();

        manager.shutdown("a").join();

        assertThatThrownBy(() -> manager.getCache("a")).hasMessageContaining("Cache 'a' is not initialized");
        assertThat(manager.getCache("b").get("k").join()).isEqualTo("v");
        ZodiacCache again = manager.setup("app-a", CacheConfig.builder().name("a").defaultTtl(Duration.ofSeconds(5)).build());
        assertThat(again.config().defaultTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThatCode(() -> manager.shutdown("never-set-up").join()).doesNotThrowAnyException();
    }

    @Test
    void shutdownClosesEveryCacheAndCloseIsShutdown() {
        manager.setup("app-a", CacheConfig.builder().name("a").build());
        manager.setup("app-b", CacheConfig.builder().name("b").build());
        manager.close();
        assertThat(manager.names()).isEmpty();
        manager.setup("app");
        assertThat(manager.cache().blocking().set("k", 1)).isTrue();
    }

    @Test
    void badConfigurationFailsSetupNamingTheSettingAndRegistersNothing() {
        assertThatThrownBy(() -> manager.setup("x", CacheConfig.builder().backend("nosuch").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend 'nosuch' is unknown");
        assertThatThrownBy(() -> manager.setup("x", CacheConfig.builder().backend("redis").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zodiac-cache-redis");
        assertThatThrownBy(() -> manager.setup("x", CacheConfig.builder().option("colour", "red").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown option [colour]");
        assertThatThrownBy(() -> CacheConfig.builder().defaultTtl(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultTtl");
        assertThatThrownBy(() -> manager.setup("x", CacheConfig.fromMap(Map.of("ttl", -5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> manager.setup("x", CacheConfig.builder().backend("faulty")
                .option("endpoint", "h").option("port", 70000).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option 'port'");
        assertThatThrownBy(() -> manager.setup("x", CacheConfig.builder().backend("faulty").option("port", 6379).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("option 'endpoint'");
        assertThatThrownBy(() -> manager.setup("x", CacheConfig.builder().backend("faulty").option("endpoint", "h")
                .serializer("reference").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serializer 'reference'");
        assertThatThrownBy(() -> manager.setup("", CacheConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
        assertThat(manager.names()).isEmpty();

        assertThat(manager.setup("x").name()).isEqualTo("default");
    }

    @Test
    void aBackendCanBeNamedByClass() {
        ZodiacCache cache = manager.setup("x", CacheConfig.builder()
                .backend(FaultyBackendProvider.class.getName()).option("endpoint", "h").build());
        assertThat(((DefaultZodiacCache) cache).backend()).isInstanceOf(FaultyBackendProvider.FaultyBackend.class);
        assertThatThrownBy(() -> manager.setup("y", CacheConfig.builder().name("y").backend("com.example.Missing").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("com.example.Missing");
    }
}
