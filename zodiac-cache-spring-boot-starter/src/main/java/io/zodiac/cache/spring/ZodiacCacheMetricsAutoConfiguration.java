package io.zodiac.cache.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.micrometer.MicrometerPlugin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Installs a {@link MicrometerPlugin} on the caches of {@code zodiac.cache.*} when the application
 * has a {@link MeterRegistry} bean and {@code zodiac-cache-micrometer} is on the classpath. Its
 * meters carry the tag {@code cache.manager=zodiacCacheManager}, as Spring Boot tags the meters of
 * its own cache managers. The meters of every cache that has the plugin are registered at startup,
 * so they read 0 before its first operation. Meters are filtered, renamed or given histograms the usual way
 * ({@code management.metrics.*}, {@code MeterFilter} beans).
 */
@AutoConfiguration(before = ZodiacCacheAutoConfiguration.class, afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, MicrometerPlugin.class})
@ConditionalOnBean(MeterRegistry.class)
public class ZodiacCacheMetricsAutoConfiguration {

    /** The plugin, installed on every cache set up from properties like every plugin bean. */
    @Bean
    @ConditionalOnMissingBean
    public MicrometerPlugin zodiacCacheMicrometerPlugin(MeterRegistry registry) {
        return new MicrometerPlugin(registry, Tags.of("cache.manager", "zodiacCacheManager"));
    }

    /** Registers the meters of the caches that have the plugin once they are all set up. */
    @Bean
    SmartInitializingSingleton zodiacCacheMeters(MicrometerPlugin plugin, ObjectProvider<CacheManager> manager) {
        return () -> manager.ifAvailable(caches -> caches.names().stream()
                .filter(name -> caches.getCache(name).config().plugins().contains(plugin))
                .forEach(plugin::register));
    }
}
