package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.cache.CacheMetricsAutoConfiguration;
import org.springframework.boot.actuate.cache.CachesEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Zodiac caches and Spring Boot's own cache metrics in one Prometheus registry: the meters they share have the
 * same tag keys, so the registry takes both and a scrape shows both.
 */
class PrometheusCacheMetricsTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, CacheAutoConfiguration.class,
                    CacheMetricsAutoConfiguration.class, ZodiacCacheAutoConfiguration.class,
                    ZodiacCacheMetricsAutoConfiguration.class))
            .withBean(PrometheusMeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .withPropertyValues("zodiac.cache.global=false",
                    "zodiac.cache.caches.default.max-size=100",
                    "zodiac.cache.caches.products.uri=" + redis.uri());

    /** A Caffeine cache manager, whose caches Boot's CacheMetricsRegistrar binds to the registry. */
    @Configuration(proxyBeanMethods = false)
    static class CaffeineConfiguration {
        @Bean
        CaffeineCacheManager caffeineCacheManager() {
            CaffeineCacheManager manager = new CaffeineCacheManager("books");
            manager.setCaffeine(Caffeine.newBuilder().recordStats());
            return manager;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingConfiguration {
    }

    private static void useZodiac(CacheManager manager) {
        ZodiacCache cache = manager.cache();
        cache.getOrSet("k", () -> CompletableFuture.completedFuture("v")).join();
        cache.get("k").join();
        manager.getCache("products").set("p", "product").join();
    }

    @Test
    void aCaffeineCacheAndZodiacCachesShareTheRegistry() {
        runner.withUserConfiguration(CaffeineConfiguration.class).run(context -> {
            assertThat(context).hasNotFailed();
            Cache books = context.getBean(CaffeineCacheManager.class).getCache("books");
            assertThat(books.get("b")).isNull();
            books.put("b", "book");
            assertThat(books.get("b")).isNotNull();
            useZodiac(context.getBean(CacheManager.class));

            String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
            // Boot tags Caffeine's meters cache.manager=caffeine (the bean name less "CacheManager")
            assertThat(scrape)
                    .contains("cache_gets_total{cache=\"books\",cache_manager=\"caffeine\",name=\"books\",result=\"hit\"} 1")
                    .contains("cache_gets_total{cache=\"default\",cache_manager=\"zodiacCacheManager\",name=\"default\","
                            + "result=\"hit\"} 1")
                    .contains("cache_gets_total{cache=\"default\",cache_manager=\"zodiacCacheManager\",name=\"default\","
                            + "result=\"miss\"} 1")
                    .contains("cache_puts_total{cache=\"default\",cache_manager=\"zodiacCacheManager\",name=\"default\"} 1")
                    .contains("cache_puts_total{cache=\"products\",cache_manager=\"zodiacCacheManager\",name=\"products\"} 1")
                    .contains("cache_size{cache=\"books\",cache_manager=\"caffeine\",name=\"books\"} 1")
                    .contains("cache_size{cache=\"default\",cache_manager=\"zodiacCacheManager\",name=\"default\"} 1")
                    .doesNotContain("cache_size{cache=\"products\"");
        });
    }

    @Test
    void theManagerTagIsTheNameActuatorListsTheZodiacCachesUnder() {
        runner.withUserConfiguration(CachingConfiguration.class).run(context -> {
            assertThat(context).hasNotFailed();
            useZodiac(context.getBean(CacheManager.class));
            CachesEndpoint endpoint = new CachesEndpoint(context.getBeansOfType(org.springframework.cache.CacheManager.class));
            assertThat(endpoint.caches().getCacheManagers()).containsOnlyKeys("cacheManager");

            assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
                    .contains("cache_gets_total{cache=\"default\",cache_manager=\"cacheManager\",name=\"default\","
                            + "result=\"hit\"} 1");
        });
    }
}
