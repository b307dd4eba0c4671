package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.testkit.RedisExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.CachingConfigurer;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheErrorHandler;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Redis stopped under a running application: the bridge's error policy on every path, and Spring's CacheErrorHandler. */
class SpringCacheErrorsTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class, CacheAutoConfiguration.class))
            .withBean(Catalog.class)
            .withBean(RecordingPlugin.class)
            .withPropertyValues(
                    "zodiac.cache.global=false",
                    "zodiac.cache.prefix=shop",
                    "zodiac.cache.caches.products.uri=" + redis.uri(),
                    "zodiac.cache.caches.products.operation-timeout=300ms");

    @AfterEach
    void repair() {
        redis.ensureRunning();
        redis.server().flushAll();
    }

    static class Catalog {
        private final AtomicInteger runs = new AtomicInteger();

        public int runs() {
            return runs.get();
        }

        @Cacheable("products")
        public String name(long id) {
            runs.incrementAndGet();
            return "product " + id;
        }

        @Cacheable(cacheNames = "products", key = "'sync:' + #id", sync = true)
        public String synced(long id) {
            runs.incrementAndGet();
            return "synced " + id;
        }

        @Cacheable(cacheNames = "products", key = "'async:' + #id")
        public CompletableFuture<String> later(long id) {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("later " + id);
        }

        @CachePut(cacheNames = "products", key = "#id")
        public String rename(long id, String name) {
            return name;
        }

        @CacheEvict("products")
        public void forget(long id) {
        }

        @CacheEvict(cacheNames = "products", allEntries = true)
        public void forgetAll() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class DefaultHandling {
    }

    /** An application whose own CacheErrorHandler logs cache errors and carries on. */
    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class OwnHandler implements CachingConfigurer {

        static final List<String> SEEN = new CopyOnWriteArrayList<>();
        static final List<RuntimeException> ERRORS = new CopyOnWriteArrayList<>();

        @Override
        public CacheErrorHandler errorHandler() {
            return new CacheErrorHandler() {
                @Override
                public void handleCacheGetError(RuntimeException exception, Cache cache, Object key) {
                    SEEN.add("get " + key);
                    ERRORS.add(exception);
                }

                @Override
                public void handleCachePutError(RuntimeException exception, Cache cache, Object key, Object value) {
                    SEEN.add("put " + key);
                    ERRORS.add(exception);
                }

                @Override
                public void handleCacheEvictError(RuntimeException exception, Cache cache, Object key) {
                    SEEN.add("evict " + key);
                    ERRORS.add(exception);
                }

                @Override
                public void handleCacheClearError(RuntimeException exception, Cache cache) {
                    SEEN.add("clear");
                    ERRORS.add(exception);
                }
            };
        }
    }

    private static ZodiacSpringCache products(ApplicationContext context) {
        return (ZodiacSpringCache) context.getBean(org.springframework.cache.CacheManager.class).getCache("products");
    }

    @Test
    void whileRedisIsDownEveryPathFailsOpenAndTheMethodsStillAnswer() {
        runner.withUserConfiguration(DefaultHandling.class).run(context -> {
            Catalog catalog = context.getBean(Catalog.class);
            assertThat(catalog.name(1)).isEqualTo("product 1");
            assertThat(catalog.name(1)).isEqualTo("product 1");
            assertThat(catalog.runs()).isEqualTo(1);

            redis.server().stop();
            assertThat(catalog.name(1)).isEqualTo("product 1");
            assertThat(catalog.name(2)).isEqualTo("product 2");
            assertThat(catalog.synced(3)).isEqualTo("synced 3");
            assertThat(catalog.later(4).join()).isEqualTo("later 4");
            assertThat(catalog.rename(1, "renamed")).isEqualTo("renamed");
            catalog.forget(1);
            catalog.forgetAll();
            Cache cache = products(context);
            assertThat(cache.putIfAbsent(5, "five")).isNull();
            assertThat(cache.evictIfPresent(5)).isFalse();
            assertThat(cache.invalidate()).isFalse();
            assertThat(catalog.runs()).isEqualTo(5);

            assertThat(products(context).backendErrors()).isGreaterThanOrEqualTo(8);
            assertThat(context.getBean(RecordingPlugin.class).kinds()).contains(CacheEvent.Kind.FAIL_OPEN);
        });
    }

    @Test
    void withRethrowTheApplicationsCacheErrorHandlerSeesTheErrors() {
        OwnHandler.SEEN.clear();
        OwnHandler.ERRORS.clear();
        runner.withUserConfiguration(OwnHandler.class).withPropertyValues("zodiac.cache.spring-cache.on-error=rethrow")
                .run(context -> {
                    Catalog catalog = context.getBean(Catalog.class);
                    redis.server().stop();

                    assertThat(catalog.name(1)).isEqualTo("product 1");
                    catalog.forget(1);
                    catalog.forgetAll();
                    assertThat(catalog.runs()).isEqualTo(1);
                    assertThat(OwnHandler.SEEN).containsExactly("get 1", "put 1", "evict 1", "clear");
                    assertThat(OwnHandler.ERRORS).hasSize(4)
                            .allSatisfy(error -> assertThat(error).isNotInstanceOf(Cache.ValueRetrievalException.class));
                });
    }

    @Test
    void withRethrowAndSpringsDefaultHandlerTheCallerGetsTheError() {
        runner.withUserConfiguration(DefaultHandling.class).withPropertyValues("zodiac.cache.spring-cache.on-error=rethrow")
                .run(context -> {
                    Catalog catalog = context.getBean(Catalog.class);
                    redis.server().stop();
                    // what the backend threw (here Lettuce's "not connected"), not the method's exception
                    assertThatThrownBy(() -> catalog.name(1)).isInstanceOf(RuntimeException.class)
                            .isNotInstanceOf(Cache.ValueRetrievalException.class);
                    assertThat(catalog.runs()).isZero();
                    assertThat(context.getBean(RecordingPlugin.class).kinds()).doesNotContain(CacheEvent.Kind.FAIL_OPEN);
                });
    }
}
