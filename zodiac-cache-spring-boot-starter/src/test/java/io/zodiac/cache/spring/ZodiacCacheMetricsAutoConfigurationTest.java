package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.micrometer.MicrometerPlugin;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ZodiacCacheMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class,
                    ZodiacCacheMetricsAutoConfiguration.class))
            .withPropertyValues("zodiac.cache.global=false");

    /** Only the starter's auto-configurations and a registry: no plugin bean, no zodiac-cache-micrometer to add. */
    @Test
    void aMeterRegistryBeanGetsTheMetricsOfEveryCache() {
        runner.withBean(SimpleMeterRegistry.class).run(context -> {
            ZodiacCache cache = context.getBean(CacheManager.class).cache();
            assertThat(cache.config().plugins()).containsExactly(context.getBean(MicrometerPlugin.class));
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("cache.gets").tags("cache", "default", "result", "hit").counter().count()).isZero();

            cache.getOrSet("k", () -> CompletableFuture.completedFuture("v")).join();
            cache.get("k").join();

            assertThat(registry.get("cache.gets").tags("cache", "default", "name", "default",
                    "cache.manager", "zodiacCacheManager", "result", "hit").counter().count()).isEqualTo(1);
            assertThat(registry.get("cache.gets").tags("cache", "default", "result", "miss").counter().count()).isEqualTo(1);
            assertThat(registry.get("cache.puts").tags("cache", "default").counter().count()).isEqualTo(1);
            assertThat(registry.get("cache.size").tags("cache", "default").gauge().value()).isEqualTo(1);
        });
    }

    @Test
    void withoutARegistryThereIsNoPlugin() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(MicrometerPlugin.class);
            assertThat(context.getBean(CacheManager.class).cache().config().plugins()).isEmpty();
        });
    }
}
