package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The starter against a real redis-server: caches from properties, @Cacheable through Redis, health. */
class RedisCachesTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class,
                    ZodiacCacheHealthAutoConfiguration.class, CacheAutoConfiguration.class))
            .withUserConfiguration(CatalogConfiguration.class);

    private ApplicationContextRunner withRedis() {
        return runner.withPropertyValues(
                "zodiac.cache.global=false",
                "zodiac.cache.prefix=shop",
                "zodiac.cache.caches.default.max-size=10",
                "zodiac.cache.caches.products.uri=" + redis.uri(),
                "zodiac.cache.caches.products.serializer=java",
                "zodiac.cache.caches.products.java-allowlist=io.zodiac.cache.spring.**",
                "zodiac.cache.caches.products.operation-timeout=500ms");
    }

    @AfterEach
    void repair() {
        redis.ensureRunning();
        redis.server().flushAll();
    }

    record Product(long id, String name) implements Serializable {
    }

    static class Catalog {
        private final AtomicInteger runs = new AtomicInteger();

        @Cacheable("products")
        public Product product(long id) {
            runs.incrementAndGet();
            return new Product(id, "product " + id);
        }

        public int runs() {
            return runs.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CatalogConfiguration {
        @Bean
        Catalog catalog() {
            return new Catalog();
        }
    }

    @Test
    void cacheableResultsAreStoredInRedisUnderTheCachesNamespace() {
        withRedis().run(context -> {
            Catalog catalog = context.getBean(Catalog.class);
            assertThat(catalog.product(1)).isEqualTo(new Product(1, "product 1"));
            assertThat(catalog.product(1)).isEqualTo(new Product(1, "product 1"));
            assertThat(catalog.runs()).isEqualTo(1);
            assertThat(redis.server().command("EXISTS", "zodiac_cache:shop%3Aproducts:products::1")).isEqualTo("1");
        });
    }

    /**
     * A near cache set in properties: a hit is served locally (no {@code GET} reaches the server) and a
     * change on the server, here a {@code DEL} by another client, drops the local copy.
     */
    @Test
    void aNearCacheFromPropertiesServesHitsLocallyAndFollowsTheServer() {
        withRedis().withPropertyValues("zodiac.cache.caches.products.options[near_cache_size]=100",
                "zodiac.cache.caches.products.options[near_cache_ttl]=5m").run(context -> {
            ZodiacCache products = context.getBean(CacheManager.class).getCache("products");
            assertThat(products.config().nearCache()).isEqualTo(NearCache.maximumSize(100).ttl(Duration.ofMinutes(5)));
            Catalog catalog = context.getBean(Catalog.class);
            catalog.product(1);
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                redis.server().command("CONFIG", "RESETSTAT");
                catalog.product(1);
                return !redis.server().command("INFO", "commandstats").contains("cmdstat_get:");
            });
            assertThat(catalog.runs()).isEqualTo(1);

            redis.server().command("DEL", "zodiac_cache:shop%3Aproducts:products::1");
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                catalog.product(1);
                return catalog.runs() == 2;
            });
        });
    }

    @Test
    void theContextClosesItsRedisCaches() {
        CacheManager[] manager = new CacheManager[1];
        withRedis().run(context -> manager[0] = context.getBean(CacheManager.class));
        assertThat(manager[0].names()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthIsUpWhileRedisAnswersAndDownWhenItDies() {
        withRedis().run(context -> {
            ZodiacCacheHealthIndicator indicator = context.getBean(ZodiacCacheHealthIndicator.class);
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsOnlyKeys("default", "products");
            assertThat((Map<Object, Object>) up.getDetails().get("default"))
                    .containsEntry("backend", "memory").containsEntry("status", "UP");
            assertThat((Map<Object, Object>) up.getDetails().get("products"))
                    .containsEntry("backend", "redis").containsEntry("namespace", "zodiac_cache:shop%3Aproducts");

            redis.server().kill();
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat((Map<Object, Object>) down.getDetails().get("products")).containsEntry("status", "DOWN").containsKey("error");
        });
    }

    @Test
    void theHealthIndicatorCanBeSwitchedOff() {
        withRedis().withPropertyValues("management.health.zodiac-cache.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ZodiacCacheHealthIndicator.class));
    }
}
