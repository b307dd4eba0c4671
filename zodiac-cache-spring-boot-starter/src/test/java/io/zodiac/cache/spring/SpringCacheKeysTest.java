package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Two Spring caches on one Redis never share a key, and clearing one leaves the other alone. */
class SpringCacheKeysTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class, CacheAutoConfiguration.class))
            .withUserConfiguration(Shop.class)
            .withPropertyValues(
                    "zodiac.cache.global=false",
                    "zodiac.cache.prefix=shop",
                    "zodiac.cache.caches.products.uri=" + redis.uri(),
                    "zodiac.cache.caches.sessions.uri=" + redis.uri());

    @AfterEach
    void flush() {
        redis.ensureRunning();
        redis.server().flushAll();
    }

    static class Prices {
        @Cacheable("products")
        public String price(String id) {
            return "price of " + id;
        }

        @Cacheable("sessions")
        public String session(String id) {
            return "session " + id;
        }

        @CacheEvict(cacheNames = "products", allEntries = true)
        public void clearProducts() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Shop {
        @Bean
        Prices prices() {
            return new Prices();
        }
    }

    @Test
    void theSameKeyInTwoSpringCachesIsTwoEntries() {
        runner.run(context -> {
            Prices prices = context.getBean(Prices.class);
            assertThat(prices.session("123")).isEqualTo("session 123");
            assertThat(prices.price("123")).isEqualTo("price of 123");
            assertThat(prices.session("123")).isEqualTo("session 123");
            assertThat(prices.price("123")).isEqualTo("price of 123");

            assertThat(redis.server().command("EXISTS", "zodiac_cache:shop%3Aproducts:products::123")).isEqualTo("1");
            assertThat(redis.server().command("EXISTS", "zodiac_cache:shop%3Asessions:sessions::123")).isEqualTo("1");
        });
    }

    @Test
    void clearingOneSpringCacheLeavesTheOtherAndZodiacsOwnEntries() {
        runner.run(context -> {
            Prices prices = context.getBean(Prices.class);
            ZodiacCache products = context.getBean(CacheManager.class).getCache("products");
            prices.price("1");
            prices.price("2");
            prices.session("1");
            products.blocking().set("1", "zodiac's own entry");

            prices.clearProducts();

            assertThat(redis.server().command("EXISTS", "zodiac_cache:shop%3Aproducts:products::1")).isEqualTo("0");
            assertThat(redis.server().command("EXISTS", "zodiac_cache:shop%3Aproducts:products::2")).isEqualTo("0");
            assertThat(redis.server().command("EXISTS", "zodiac_cache:shop%3Asessions:sessions::1")).isEqualTo("1");
            assertThat(products.blocking().get("1")).isEqualTo("zodiac's own entry");
        });
    }
}
