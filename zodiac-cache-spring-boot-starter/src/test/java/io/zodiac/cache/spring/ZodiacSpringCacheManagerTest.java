package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.CacheManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ZodiacSpringCacheManagerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class, CacheAutoConfiguration.class))
            .withPropertyValues("zodiac.cache.global=false", "zodiac.cache.caches.users.max-size=100")
            .withUserConfiguration(CachingConfiguration.class);

    /** A service whose methods count their runs. */
    static class UserService {
        private final AtomicInteger runs = new AtomicInteger();

        public int runs() {
            return runs.get();
        }

        @Cacheable("users")
        public String name(long id) {
            runs.incrementAndGet();
            return "user-" + id;
        }

        @Cacheable("users")
        public String nothing(String id) {
            runs.incrementAndGet();
            return null;
        }

        @Cacheable(cacheNames = "users", key = "#id", sync = true)
        public String slow(String id, CountDownLatch release) throws InterruptedException {
            runs.incrementAndGet();
            release.await(10, TimeUnit.SECONDS);
            return "slow-" + id;
        }

        @Cacheable("users")
        public CompletableFuture<String> async(int id) {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("async-" + id);
        }

        @CacheEvict("users")
        public void forget(long id) {
        }

        @Cacheable("unknown")
        public String unknown(long id) {
            return "never";
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingConfiguration {
        @Bean
        UserService userService() {
            return new UserService();
        }
    }

    @Test
    void cacheableMethodsAreCachedInTheZodiacCacheOfTheirName() {
        runner.run(context -> {
            assertThat(context.getBean(org.springframework.cache.CacheManager.class))
                    .isInstanceOf(ZodiacSpringCacheManager.class);
            UserService users = context.getBean(UserService.class);

            assertThat(users.name(7)).isEqualTo("user-7");
            assertThat(users.name(7)).isEqualTo("user-7");
            assertThat(users.runs()).isEqualTo(1);
            assertThat(context.getBean(CacheManager.class).getCache("users").get("users::7").join()).isEqualTo("user-7");

            users.forget(7);
            assertThat(users.name(7)).isEqualTo("user-7");
            assertThat(users.runs()).isEqualTo(2);
        });
    }

    @Test
    void nullsAreCachedAsNulls() {
        runner.run(context -> {
            UserService users = context.getBean(UserService.class);
            assertThat(users.nothing("x")).isNull();
            assertThat(users.nothing("x")).isNull();
            assertThat(users.runs()).isEqualTo(1);

            Cache cache = context.getBean(org.springframework.cache.CacheManager.class).getCache("users");
            assertThat(cache.get("x")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
            assertThat(cache.get("absent")).isNull();
        });
    }

    @Test
    void withoutNullValuesANullIsRejected() {
        runner.withPropertyValues("zodiac.cache.spring-cache.allow-null-values=false").run(context -> {
            UserService users = context.getBean(UserService.class);
            assertThatThrownBy(() -> users.nothing("x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not allow null values");
        });
    }

    @Test
    void syncCallsOfOneKeyRunTheMethodOnce() throws Exception {
        runner.run(context -> {
            UserService users = context.getBean(UserService.class);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<String>> calls = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    calls.add(pool.submit(() -> users.slow("k", release)));
                }
                release.countDown();
                for (Future<String> call : calls) {
                    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("slow-k");
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(users.runs()).isEqualTo(1);
        });
    }

    @Test
    void futuresAreCachedThroughTheAsyncApi() {
        runner.run(context -> {
            UserService users = context.getBean(UserService.class);
            assertThat(users.async(1).join()).isEqualTo("async-1");
            assertThat(users.async(1).join()).isEqualTo("async-1");
            assertThat(users.runs()).isEqualTo(1);
        });
    }

    @Test
    void anUnknownCacheIsReportedBySpring() {
        runner.run(context -> {
            assertThat(context.getBean(org.springframework.cache.CacheManager.class).getCacheNames())
                    .containsExactly("users");
            assertThatThrownBy(() -> context.getBean(UserService.class).unknown(1))
                    .hasMessageContaining("Cannot find cache named 'unknown'");
        });
    }

    @Test
    void keysAreStringsOrTheirStringForm() {
        assertThat(ZodiacSpringCache.keyText("user:1")).isEqualTo("user:1");
        assertThat(ZodiacSpringCache.keyText(42L)).isEqualTo("42");
        assertThat(ZodiacSpringCache.keyText(new SimpleKey("a", 1))).isEqualTo("SimpleKey [a, 1]");
        assertThatThrownBy(() -> ZodiacSpringCache.keyText(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not override toString()");
        assertThatThrownBy(() -> ZodiacSpringCache.keyText(new int[] {1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anApplicationCacheManagerTakesPrecedence() {
        runner.withBean(ConcurrentMapCacheManager.class).run(context -> assertThat(context)
                .getBean(org.springframework.cache.CacheManager.class).isInstanceOf(ConcurrentMapCacheManager.class));
    }

    @Test
    void theBridgeCanBeSwitchedOff() {
        runner.withPropertyValues("zodiac.cache.spring-cache.enabled=false").run(context -> assertThat(context)
                .getBean(org.springframework.cache.CacheManager.class).isNotInstanceOf(ZodiacSpringCacheManager.class));
    }
}
