package io.zodiac.cache.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.micrometer.MicrometerPlugin;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Installs a {@link MicrometerPlugin} on the caches of {@code zodiac.cache.*} when the application
 * has a {@link MeterRegistry} bean (Micrometer comes with Spring Boot Actuator; the plugin with the
 * starter). Its meters carry the tags Spring Boot gives the meters of its own caches
 * ({@code cache} and {@code name}: the cache's name; {@code cache.manager}), so that zodiac caches
 * and, say, Caffeine caches share {@code cache.gets}, {@code cache.puts}, {@code cache.evictions}
 * and {@code cache.size} in registries that require one set of tag keys per meter name
 * (Prometheus). {@code cache.manager} is the name {@code /actuator/caches} lists the zodiac caches
 * under: the bean name of the {@link ZodiacSpringCacheManager} ({@code cacheManager} with
 * {@code @EnableCaching}), else {@value #MANAGER_BEAN} when the application has no Spring bridge.
 * The meters of every cache that has the plugin are registered at startup, so they read 0 before
 * its first operation, with a {@code cache.size} gauge for in-memory caches. Meters are filtered,
 * renamed or given histograms the usual way ({@code management.metrics.*}, {@code MeterFilter} beans).
 */
@AutoConfiguration(before = ZodiacCacheAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MicrometerPlugin.class})
@ConditionalOnBean(MeterRegistry.class)
public class ZodiacCacheMetricsAutoConfiguration {

    /** The name of the zodiac {@link CacheManager} bean, the manager tag when no Spring bridge shows the caches. */
    static final String MANAGER_BEAN = "zodiacCacheManager";

    /** The plugin, installed on every cache set up from properties like every plugin bean. */
    @Bean
    @ConditionalOnMissingBean
    public MicrometerPlugin zodiacCacheMicrometerPlugin(MeterRegistry registry, ListableBeanFactory beans) {
        return new MicrometerPlugin(registry, Tags.of("cache.manager", managerName(beans)),
                name -> Tags.of("cache", name, "name", name));
    }

    /** The name {@code /actuator/caches} lists the zodiac caches under: the Spring bridge's bean name. */
    static String managerName(ListableBeanFactory beans) {
        String[] bridges = beans.getBeanNamesForType(ZodiacSpringCacheManager.class, false, false);
        return bridges.length == 1 ? bridges[0] : MANAGER_BEAN;
    }

    /** Registers the meters of the caches that have the plugin once they are all set up. */
    @Bean
    SmartInitializingSingleton zodiacCacheMeters(MicrometerPlugin plugin, ObjectProvider<CacheManager> manager) {
        return () -> manager.ifAvailable(caches -> caches.names().stream()
                .map(caches::getCache)
                .filter(cache -> cache.config().plugins().contains(plugin))
                .forEach(plugin::register));
    }
}
