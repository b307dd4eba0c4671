package io.zodiac.cache.spring;

import io.zodiac.cache.CacheManager;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link ZodiacCacheHealthIndicator} as the health contributor {@code zodiacCache} when
 * Spring Boot Actuator is on the classpath; {@code management.health.zodiac-cache.enabled=false}
 * turns it off.
 */
@AutoConfiguration(after = ZodiacCacheAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthIndicator",
        "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"})
@ConditionalOnBean(CacheManager.class)
@ConditionalOnEnabledHealthIndicator("zodiac-cache")
public class ZodiacCacheHealthAutoConfiguration {

    /** The indicator over the application's zodiac cache manager. */
    @Bean
    @ConditionalOnMissingBean(name = "zodiacCacheHealthIndicator")
    public ZodiacCacheHealthIndicator zodiacCacheHealthIndicator(CacheManager manager) {
        return new ZodiacCacheHealthIndicator(manager);
    }
}
