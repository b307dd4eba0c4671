package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.CacheInvalidate;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUpdate;
import io.zodiac.cache.Cached;
import io.zodiac.cache.CachedProxy;
import io.zodiac.cache.ZodiacCache;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.test.util.AopTestUtils;

/** {@code @Cached}, {@code @CacheInvalidate} and {@code @CacheUpdate} on Spring beans, through the starter's AOP interceptor. */
class CachedBeansTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class))
            .withPropertyValues("zodiac.cache.global=false", "zodiac.cache.caches.default.max-size=100");

    /** A bean whose annotations are on its class. */
    public static class Prices {
        private final AtomicInteger runs = new AtomicInteger();

        @Cached(ttl = 60)
        public Long price(String sku) {
            runs.incrementAndGet();
            return (long) sku.length();
        }

        @Cached
        public CompletableFuture<String> label(String sku) {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("label " + sku);
        }

        @Cached
        public String failing(String sku) throws IOException {
            runs.incrementAndGet();
            throw new IOException("no price for " + sku);
        }

        @Cached(name = "missing")
        public String elsewhere(String sku) {
            return sku;
        }

        public String plain(String sku) {
            runs.incrementAndGet();
            return sku;
        }

        public int runs() {
            return runs.get();
        }
    }

    /** Annotations on the interface, as with {@code CachedProxy.of}. */
    public interface Stock {
        @Cached
        Integer available(String sku);
    }

    public static class Warehouse implements Stock {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public Integer available(String sku) {
            runs.incrementAndGet();
            return 7;
        }
    }

    /** A method that two bean classes inherit, scoped to the receiver's class. */
    public abstract static class Named {
        final AtomicInteger runs = new AtomicInteger();

        @Cached(includeSelf = true)
        public String name(int id) {
            runs.incrementAndGet();
            return getClass().getSimpleName() + " " + id;
        }

        public int runs() {
            return runs.get();
        }
    }

    public static class Alpha extends Named {
    }

    public static class Beta extends Named {
    }

    /** Reads and writes of one cache, annotated on the interface. */
    public interface Directory {
        @Cached(key = "user:{id}")
        String find(long id);

        @CacheInvalidate(key = "user:{id}")
        void remove(long id);

        @CacheUpdate(key = "user:{id}")
        String rename(long id, String name);
    }

    public static class DbDirectory implements Directory {
        final AtomicInteger finds = new AtomicInteger();

        @Override
        public String find(long id) {
            return "user-" + id + "-" + finds.incrementAndGet();
        }

        @Override
        public void remove(long id) {
        }

        @Override
        public String rename(long id, String name) {
            return name;
        }
    }

    /** A generic interface with two bean implementations. */
    public interface Repo<T> {
        @Cached
        T find(long id);
    }

    public static class Letters implements Repo<String> {
        @Override
        public String find(long id) {
            return "letter " + id;
        }
    }

    public static class Numbers implements Repo<Long> {
        @Override
        public Long find(long id) {
            return id * 10;
        }
    }

    public static class Broken {
        @Cached
        public void nothingToCache() {
        }
    }

    private static ZodiacCache cache(org.springframework.context.ApplicationContext context) {
        return context.getBean(CacheManager.class).cache();
    }

    @Test
    void cachedMethodsOfABeanRunOncePerKey() {
        runner.withBean(Prices.class).run(context -> {
            Prices prices = context.getBean(Prices.class);
            assertThat(AopUtils.isCglibProxy(prices)).isTrue();

            assertThat(prices.price("abc")).isEqualTo(3L);
            assertThat(prices.price("abc")).isEqualTo(3L);
            assertThat(prices.label("abc").join()).isEqualTo("label abc");
            assertThat(prices.label("abc").join()).isEqualTo("label abc");
            assertThat(prices.plain("abc")).isEqualTo("abc");
            assertThat(prices.plain("abc")).isEqualTo("abc");

            assertThat(prices.runs()).isEqualTo(4);
            assertThat(cache(context).keys("", 10).join()).hasSize(2)
                    .allSatisfy(key -> assertThat(key).startsWith(Prices.class.getSimpleName() + ":"));
        });
    }

    @Test
    void keysAreThoseOfCachedProxySubclasses() {
        runner.withBean(Prices.class).run(context -> {
            CacheManager manager = context.getBean(CacheManager.class);
            context.getBean(Prices.class).price("abcd");

            Prices proxy = CachedProxy.subclass(manager, Prices.class);
            assertThat(proxy.price("abcd")).isEqualTo(4L);
            assertThat(proxy.runs()).isZero();
        });
    }

    @Test
    void anInheritedMethodIsCachedPerBeanClassWithIncludeSelf() {
        runner.withBean(Alpha.class).withBean(Beta.class).run(context -> {
            Alpha alpha = context.getBean(Alpha.class);
            Beta beta = context.getBean(Beta.class);
            for (int i = 0; i < 2; i++) {
                assertThat(alpha.name(1)).isEqualTo("Alpha 1");
                assertThat(beta.name(1)).isEqualTo("Beta 1");
            }
            assertThat(alpha.runs()).isEqualTo(1);
            assertThat(beta.runs()).isEqualTo(1);
            assertThat(cache(context).keys("", 10).join()).hasSize(2);
        });
    }

    @Test
    void annotationsOnAnInterfaceGiveTheKeysOfCachedProxyOfTheSameImplementation() {
        runner.withBean(Warehouse.class).run(context -> {
            CacheManager manager = context.getBean(CacheManager.class);
            Stock bean = context.getBean(Stock.class);
            assertThat(bean.available("x")).isEqualTo(7);
            assertThat(bean.available("x")).isEqualTo(7);

            Warehouse other = new Warehouse();
            assertThat(CachedProxy.of(manager, Stock.class, other).available("x")).isEqualTo(7);
            assertThat(other.runs).hasValue(0);
            assertThat(cache(context).keys("", 10).join()).singleElement()
                    .satisfies(key -> assertThat(key).startsWith(Warehouse.class.getSimpleName() + ":available:"));
        });
    }

    @Test
    void invalidationAndUpdateRunOnBeans() {
        runner.withBean(DbDirectory.class).run(context -> {
            Directory directory = context.getBean(Directory.class);
            DbDirectory target = (DbDirectory) AopTestUtils.getTargetObject(directory);
            assertThat(directory.find(1)).isEqualTo("user-1-1");
            assertThat(directory.find(1)).isEqualTo("user-1-1");
            assertThat(cache(context).blocking().get("user:1")).isEqualTo("user-1-1");

            directory.remove(1);
            assertThat(cache(context).blocking().exists("user:1")).isFalse();
            assertThat(directory.find(1)).isEqualTo("user-1-2");

            assertThat(directory.rename(1, "ada")).isEqualTo("ada");
            assertThat(directory.find(1)).isEqualTo("ada");
            assertThat(target.finds).hasValue(2);
        });
    }

    @Test
    void twoBeansImplementingOneGenericInterfaceNeverShareEntries() {
        runner.withBean(Letters.class).withBean(Numbers.class).run(context -> {
            Letters letters = context.getBean(Letters.class);
            Numbers numbers = context.getBean(Numbers.class);
            for (int i = 0; i < 2; i++) {
                assertThat(letters.find(1)).isEqualTo("letter 1");
                assertThat(numbers.find(1)).isEqualTo(10L);
            }
            assertThat(cache(context).keys("", 10).join()).hasSize(2);
        });
    }

    @Test
    void whatTheMethodThrowsReachesTheCallerAndNothingIsStored() {
        runner.withBean(Prices.class).run(context -> {
            Prices prices = context.getBean(Prices.class);
            assertThatThrownBy(() -> prices.failing("a")).isInstanceOf(IOException.class).hasMessage("no price for a");
            assertThatThrownBy(() -> prices.failing("a")).isInstanceOf(IOException.class);
            assertThat(prices.runs()).isEqualTo(2);
            assertThat(cache(context).keys("", 10).join()).isEmpty();
        });
    }

    @Test
    void aCacheThatIsNotSetUpFailsTheCall() {
        runner.withBean(Prices.class).run(context -> assertThatThrownBy(() -> context.getBean(Prices.class).elsewhere("a"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Cache 'missing' is not initialized"));
    }

    @Test
    void aWrongAnnotationFailsStartup() {
        runner.withBean(Broken.class).run(context -> assertThat(context.getStartupFailure())
                .hasStackTraceContaining("nothingToCache() cannot be cached: it returns void"));
    }
}
