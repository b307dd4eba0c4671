package io.zodiac.cache.spring;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.plugin.CachePlugin;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.function.SingletonSupplier;

/**
 * Sets up the caches of {@code zodiac.cache.*} (see {@link ZodiacCacheProperties}) and exposes
 * their {@link CacheManager} as the bean {@code zodiacCacheManager}: {@link CacheManager#global()}
 * unless {@code zodiac.cache.global=false}. Every {@link CachePlugin} bean is installed on every
 * cache, then every {@link ZodiacCacheCustomizer} bean is applied. The caches are set up when the
 * bean is created, so a failure fails the context's startup, and shut down when the context closes.
 *
 * <p>{@link io.zodiac.cache.Cached @Cached} methods of beans are cached through Spring AOP, with
 * the keys and semantics of {@link io.zodiac.cache.CachedProxy}.
 *
 * <p>An application that defines its own {@link CacheManager} bean sets up its caches itself;
 * {@code @Cached}, the Spring cache bridge and the health indicator then use that manager.
 *
 * <p>With {@code @EnableCaching} and no Spring {@link org.springframework.cache.CacheManager} of
 * its own, the application gets a {@link ZodiacSpringCacheManager} named {@code cacheManager}
 * ({@code zodiac.cache.spring-cache.enabled=false} turns that off).
 *
 * <p>A {@code zodiac.cache.*} key that names no setting fails the startup, naming the closest ones.
 */
@AutoConfiguration(before = CacheAutoConfiguration.class)
@ConditionalOnProperty(prefix = "zodiac.cache", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ZodiacCacheProperties.class)
public class ZodiacCacheAutoConfiguration {

    /**
     * Fails the startup on a {@code zodiac.cache.*} key that names no setting, before anything is set up.
     *
     * @param environment the application's environment
     */
    public ZodiacCacheAutoConfiguration(Environment environment) {
        UnknownProperties.check(environment);
    }

    @Bean
    @ConditionalOnMissingBean(CacheManager.class)
    ZodiacCacheSetup zodiacCacheSetup(ZodiacCacheProperties properties, Environment environment,
            ObjectProvider<CachePlugin> plugins, ObjectProvider<ZodiacCacheCustomizer> customizers) {
        return new ZodiacCacheSetup(properties, environment.getProperty("spring.application.name", "application"),
                plugins.orderedStream().toList(), customizers.orderedStream().toList());
    }

    /** The manager; closing the context shuts down its caches through {@code zodiacCacheSetup}. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public CacheManager zodiacCacheManager(ZodiacCacheSetup setup) {
        return setup.manager();
    }

    /**
     * Runs the {@code @Cached} methods of beans through their caches, with the keys and semantics
     * of {@link io.zodiac.cache.CachedProxy}; the manager is looked up at the first call. The writes of
     * {@code @CacheInvalidate} and {@code @CacheUpdate} inside a Spring transaction run after it commits
     * ({@code zodiac.cache.spring-cache.transaction-aware}).
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static CachedAnnotationBeanPostProcessor zodiacCachedAnnotationBeanPostProcessor(ObjectProvider<CacheManager> manager,
            ObjectProvider<ZodiacCacheProperties> properties) {
        return new CachedAnnotationBeanPostProcessor(SingletonSupplier.of(manager::getObject),
                SingletonSupplier.of(() -> properties.getIfAvailable(ZodiacCacheProperties::new).getSpringCache().isTransactionAware()));
    }

    /** The bridge for {@code @Cacheable} and friends, when caching is enabled and has no manager yet. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(CacheAspectSupport.class)
    @ConditionalOnMissingBean(org.springframework.cache.CacheManager.class)
    @ConditionalOnProperty(prefix = "zodiac.cache.spring-cache", name = "enabled", havingValue = "true",
            matchIfMissing = true)
    static class SpringCacheBridgeConfiguration {

        @Bean
        ZodiacSpringCacheManager cacheManager(CacheManager zodiacCacheManager, ZodiacCacheProperties properties,
                BeanFactory beanFactory) {
            ZodiacCacheProperties.SpringCache settings = properties.getSpringCache();
            List<String> allowed = new ArrayList<>();
            if (AutoConfigurationPackages.has(beanFactory)) {
                allowed.addAll(AutoConfigurationPackages.get(beanFactory));
            }
            allowed.addAll(settings.getAllowedPackages());
            return new ZodiacSpringCacheManager(zodiacCacheManager, settings.isAllowNullValues(), allowed,
                    settings.getOnError(), settings.isTransactionAware());
        }
    }
}
