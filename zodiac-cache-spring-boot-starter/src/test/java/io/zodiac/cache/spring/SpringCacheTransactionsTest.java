package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.CacheInvalidate;
import io.zodiac.cache.CacheUpdate;
import io.zodiac.cache.Cached;
import io.zodiac.cache.testkit.RedisExtension;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cache writes inside a Spring transaction, on Redis: {@code @CacheEvict}/{@code @CachePut} through the
 * bridge and zodiac's {@code @CacheInvalidate}/{@code @CacheUpdate} run after the commit, never on rollback.
 */
class SpringCacheTransactionsTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class, CacheAutoConfiguration.class))
            .withUserConfiguration(Transactions.class)
            .withPropertyValues(
                    "zodiac.cache.global=false",
                    "zodiac.cache.prefix=shop",
                    "zodiac.cache.caches.products.uri=" + redis.uri());

    @AfterEach
    void flush() {
        redis.ensureRunning();
        redis.server().flushAll();
    }

    /** A real transaction manager over no resource: begin, commit, rollback and synchronizations as any other. */
    static class NoResourceTransactionManager extends AbstractPlatformTransactionManager {
        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }
    }

    /** Spring's annotations through the bridge. */
    static class Catalog {
        private final AtomicInteger runs = new AtomicInteger();

        @Cacheable("products")
        public String name(long id) {
            return "product " + id + " #" + runs.incrementAndGet();
        }

        @CacheEvict("products")
        public void forget(long id) {
        }

        @CachePut(cacheNames = "products", key = "#id")
        public String rename(long id, String name) {
            return name;
        }

        @CacheEvict(cacheNames = "products", allEntries = true)
        public void forgetAll() {
        }
    }

    /** zodiac's own annotations on a bean. */
    static class Directory {
        private final AtomicInteger runs = new AtomicInteger();

        @Cached(name = "products", key = "user:{id}")
        public String find(long id) {
            return "user " + id + " #" + runs.incrementAndGet();
        }

        @CacheInvalidate(name = "products", key = "user:{id}")
        public void remove(long id) {
        }

        @CacheUpdate(name = "products", key = "user:{id}")
        public String rename(long id, String name) {
            return name;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Transactions {
        @Bean
        PlatformTransactionManager transactionManager() {
            return new NoResourceTransactionManager();
        }

        @Bean
        TransactionTemplate transactionTemplate(PlatformTransactionManager transactionManager) {
            return new TransactionTemplate(transactionManager);
        }

        @Bean
        Catalog catalog() {
            return new Catalog();
        }

        @Bean
        Directory directory() {
            return new Directory();
        }
    }

    private static boolean stored(String key) {
        return redis.server().command("EXISTS", "zodiac_cache:shop%3Aproducts:" + key).equals("1");
    }

    private static void rolledBack(ApplicationContext context, Runnable work) {
        context.getBean(TransactionTemplate.class).executeWithoutResult(status -> {
            work.run();
            status.setRollbackOnly();
        });
    }

    private static void committed(ApplicationContext context, Runnable work) {
        context.getBean(TransactionTemplate.class).executeWithoutResult(status -> work.run());
    }

    @Test
    void anEvictionOfARolledBackTransactionNeverHappens() {
        runner.run(context -> {
            Catalog catalog = context.getBean(Catalog.class);
            String cached = catalog.name(1);
            rolledBack(context, () -> catalog.forget(1));
            assertThat(stored("products::1")).isTrue();
            assertThat(catalog.name(1)).isEqualTo(cached);
        });
    }

    @Test
    void anEvictionOfACommittedTransactionHappensAfterTheCommit() {
        runner.run(context -> {
            Catalog catalog = context.getBean(Catalog.class);
            String cached = catalog.name(1);
            catalog.name(2);
            committed(context, () -> {
                catalog.forget(1);
                assertThat(stored("products::1")).as("not before the commit").isTrue();
                catalog.forgetAll();
                assertThat(stored("products::2")).as("not before the commit").isTrue();
            });
            assertThat(stored("products::1")).isFalse();
            assertThat(stored("products::2")).isFalse();
            assertThat(catalog.name(1)).isNotEqualTo(cached);
        });
    }

    @Test
    void anUpdateOfARolledBackTransactionNeverHappensAndACommittedOneDoes() {
        runner.run(context -> {
            Catalog catalog = context.getBean(Catalog.class);
            String cached = catalog.name(1);
            rolledBack(context, () -> catalog.rename(1, "rolled back"));
            assertThat(catalog.name(1)).isEqualTo(cached);

            committed(context, () -> {
                catalog.rename(1, "committed");
                assertThat(catalog.name(1)).as("not before the commit").isEqualTo(cached);
            });
            assertThat(catalog.name(1)).isEqualTo("committed");
        });
    }

    @Test
    void zodiacInvalidationsAndUpdatesWaitForTheCommitToo() {
        runner.run(context -> {
            Directory directory = context.getBean(Directory.class);
            String cached = directory.find(7);

            rolledBack(context, () -> directory.remove(7));
            rolledBack(context, () -> directory.rename(7, "rolled back"));
            assertThat(directory.find(7)).isEqualTo(cached);

            committed(context, () -> {
                directory.remove(7);
                assertThat(stored("user:7")).as("not before the commit").isTrue();
            });
            assertThat(stored("user:7")).isFalse();

            committed(context, () -> assertThat(directory.rename(7, "committed")).isEqualTo("committed"));
            assertThat(directory.find(7)).isEqualTo("committed");
        });
    }

    @Test
    void outsideATransactionWritesAreImmediate() {
        runner.run(context -> {
            Catalog catalog = context.getBean(Catalog.class);
            Directory directory = context.getBean(Directory.class);
            catalog.name(1);
            directory.find(7);
            catalog.forget(1);
            directory.remove(7);
            assertThat(stored("products::1")).isFalse();
            assertThat(stored("user:7")).isFalse();
        });
    }

    @Test
    void withoutTransactionAwarenessWritesInATransactionAreImmediate() {
        runner.withPropertyValues("zodiac.cache.spring-cache.transaction-aware=false").run(context -> {
            Catalog catalog = context.getBean(Catalog.class);
            Directory directory = context.getBean(Directory.class);
            catalog.name(1);
            directory.find(7);
            rolledBack(context, () -> {
                catalog.forget(1);
                directory.remove(7);
            });
            assertThat(stored("products::1")).isFalse();
            assertThat(stored("user:7")).isFalse();
        });
    }
}
