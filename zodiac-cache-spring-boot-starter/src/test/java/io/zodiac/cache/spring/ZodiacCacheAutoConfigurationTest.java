package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CircuitBreakerPolicy;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.HitMissRatioPlugin;
import io.zodiac.cache.serializer.JavaSerializer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ZodiacCacheAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class))
            .withPropertyValues("zodiac.cache.global=false");

    @Test
    void withoutPropertiesTheDefaultCacheIsSetUpInMemoryUnderTheApplicationName() {
        runner.withPropertyValues("spring.application.name=shop").run(context -> {
            ZodiacCache cache = context.getBean(CacheManager.class).cache();
            assertThat(cache.namespace()).isEqualTo("zodiac_cache:shop");
            assertThat(cache.config().backend()).isEqualTo("memory");
            assertThat(context).hasBean("zodiacCacheManager");
        });
    }

    @Test
    void setsUpEveryCacheOfTheProperties() {
        runner.withPropertyValues(
                "zodiac.cache.prefix=shop",
                "zodiac.cache.caches.default.default-ttl=300",
                "zodiac.cache.caches.default.max-size=1000",
                "zodiac.cache.caches.sessions.prefix=auth",
                "zodiac.cache.caches.sessions.uri=memory://",
                "zodiac.cache.caches.sessions.default-ttl=30m",
                "zodiac.cache.caches.sessions.operation-timeout=250ms",
                "zodiac.cache.caches.sessions.circuit-breaker.minimum-calls=3",
                "zodiac.cache.caches.sessions.circuit-breaker.failure-rate=30",
                "zodiac.cache.caches.sessions.circuit-breaker.slow-call=250ms",
                "zodiac.cache.caches.reports.serializer=java",
                "zodiac.cache.caches.reports.java-allowlist=com.example.**",
                "zodiac.cache.caches.reports.max-value-size=4MB")
                .run(context -> {
                    CacheManager manager = context.getBean(CacheManager.class);
                    assertThat(manager.names()).containsExactlyInAnyOrder("default", "sessions", "reports");

                    CacheConfig byDefault = manager.cache().config();
                    assertThat(manager.cache().namespace()).isEqualTo("zodiac_cache:shop");
                    assertThat(byDefault.defaultTtl()).isEqualTo(Duration.ofSeconds(300));
                    assertThat(byDefault.maxSize()).isEqualTo(1000);

                    ZodiacCache sessions = manager.getCache("sessions");
                    assertThat(sessions.namespace()).isEqualTo("zodiac_cache:auth");
                    assertThat(sessions.config().defaultTtl()).isEqualTo(Duration.ofMinutes(30));
                    assertThat(sessions.config().operationTimeout()).isEqualTo(Duration.ofMillis(250));
                    assertThat(sessions.config().circuitBreaker()).isEqualTo(CircuitBreakerPolicy.defaults().minimumCalls(3)
                            .failureRate(30).slowCall(Duration.ofMillis(250)));

                    assertThat(manager.getCache("reports").namespace()).as("a cache that names no prefix")
                            .isEqualTo("zodiac_cache:shop%3Areports");
                    assertThat(manager.getCache("reports").config().serializer())
                            .isEqualTo(JavaSerializer.allowing("com.example.**"));
                    assertThat(manager.getCache("reports").config().maxValueSize()).isEqualTo(4L * 1024 * 1024);
                });
    }

    @Test
    void timeoutInTheOptionsIsTheOperationTimeout() {
        runner.withPropertyValues("zodiac.cache.caches.default.options.timeout=500ms").run(context -> {
            CacheConfig config = context.getBean(CacheManager.class).cache().config();
            assertThat(config.operationTimeout()).isEqualTo(Duration.ofMillis(500));
            assertThat(config.options()).isEmpty();
        });
        runner.withPropertyValues("zodiac.cache.caches.default.options.timeout=500ms",
                        "zodiac.cache.caches.default.operation-timeout=2s")
                .run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining(
                        "operation-timeout and options.timeout are the same setting"));
    }

    @Test
    void aBadSettingFailsStartupNamingTheCacheAndSetsUpNothing() {
        runner.withPropertyValues(
                "zodiac.cache.caches.good.max-size=10",
                "zodiac.cache.caches.bad.backend=nope")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("backend 'nope' is unknown");
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("zodiac.cache.caches.bad:");
                });
        runner.withPropertyValues("zodiac.cache.caches.bad.uri=redis://127.0.0.1:6379", "zodiac.cache.caches.bad.backend=memory")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("backend 'memory' contradicts uri"));
    }

    @Test
    void installsPluginBeansAndAppliesCustomizers() {
        runner.withUserConfiguration(PluginConfiguration.class).run(context -> {
            CacheConfig config = context.getBean(CacheManager.class).cache().config();
            assertThat(config.plugins()).containsExactly(context.getBean(CachePlugin.class));
            assertThat(config.defaultTtl()).isEqualTo(Duration.ofSeconds(42));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class PluginConfiguration {
        @Bean
        HitMissRatioPlugin ratio() {
            return new HitMissRatioPlugin();
        }

        @Bean
        ZodiacCacheCustomizer ttl() {
            return (name, config) -> config.defaultTtl(Duration.ofSeconds(42));
        }
    }

    @Test
    void aManagerOfTheContextsOwnIsClosedWithTheContext() {
        CacheManager[] manager = new CacheManager[1];
        runner.run(context -> manager[0] = context.getBean(CacheManager.class));
        assertThat(manager[0]).isNotSameAs(CacheManager.global());
        assertThat(manager[0].names()).isEmpty();
    }

    @Test
    void theGlobalManagerKeepsTheCachesTheContextDidNotSetUp() {
        CacheManager global = CacheManager.global();
        global.setup("app:mine", CacheConfig.builder().name("mine").build());
        try {
            runner.withPropertyValues("zodiac.cache.global=true",
                            "zodiac.cache.prefix=app",
                            "zodiac.cache.caches.mine.max-size=",
                            "zodiac.cache.caches.theirs.max-size=5")
                    .run(context -> {
                        assertThat(context.getBean(CacheManager.class)).isSameAs(global);
                        assertThat(global.names()).contains("mine", "theirs");
                    });
            assertThat(global.isSetUp("theirs")).isFalse();
            assertThat(global.isSetUp("mine")).isTrue();
        } finally {
            global.shutdown("mine").join();
        }
    }

    @Test
    void anApplicationManagerIsUsedAsItIs() {
        CacheManager own = new CacheManager();
        runner.withBean(CacheManager.class, () -> own).run(context -> {
            assertThat(context).doesNotHaveBean(ZodiacCacheSetup.class);
            assertThat(context.getBean(CacheManager.class)).isSameAs(own);
            assertThat(own.names()).isEmpty();
        });
    }

    @Test
    void canBeSwitchedOff() {
        runner.withPropertyValues("zodiac.cache.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(CacheManager.class));
    }
}
