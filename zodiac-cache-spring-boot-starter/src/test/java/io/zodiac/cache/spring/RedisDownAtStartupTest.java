package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zodiac.cache.Cached;
import io.zodiac.cache.testkit.RedisExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application whose Redis is down when it starts: the context starts, the health says which cache is down,
 * {@code @Cached} methods run without the cache, and everything works once Redis is up, without a restart.
 */
class RedisDownAtStartupTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    @AfterEach
    void repair() {
        redis.ensureRunning();
        redis.server().flushAll();
    }

    static class Weather {
        private final AtomicInteger runs = new AtomicInteger();

        @Cached(name = "forecasts")
        public String forecast(String city) {
            runs.incrementAndGet();
            return "sunny in " + city;
        }

        int runs() {
            return runs.get();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WeatherConfiguration {
        @Bean
        Weather weather() {
            return new Weather();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theContextStartsWhileRedisIsDownAndUsesRedisOnceItIsUp() {
        redis.server().stop(); // its port stays reserved: restart() brings it back on the same one
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class,
                        ZodiacCacheHealthAutoConfiguration.class, ZodiacCacheMetricsAutoConfiguration.class))
                .withUserConfiguration(WeatherConfiguration.class)
                .withBean(SimpleMeterRegistry.class)
                .withPropertyValues(
                        "zodiac.cache.global=false",
                        "zodiac.cache.prefix=app",
                        "zodiac.cache.caches.default.max-size=10",
                        "zodiac.cache.caches.forecasts.uri=" + redis.uri(),
                        "zodiac.cache.caches.forecasts.operation-timeout=2s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ZodiacCacheHealthIndicator indicator = context.getBean(ZodiacCacheHealthIndicator.class);
                    Health down = indicator.health();
                    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                    assertThat((Map<String, Object>) down.getDetails().get("forecasts"))
                            .containsEntry("status", "DOWN").containsEntry("backend", "redis").containsKey("error");
                    assertThat((Map<String, Object>) down.getDetails().get("default"))
                            .containsEntry("status", "UP").containsEntry("backend", "memory");

                    Weather weather = context.getBean(Weather.class);
                    assertThat(weather.forecast("Paris")).as("fails open").isEqualTo("sunny in Paris");
                    assertThat(weather.runs()).isEqualTo(1);

                    redis.server().restart();
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> indicator.health().getStatus().equals(Status.UP));
                    assertThat(indicator.health().getDetails()).containsOnlyKeys("default", "forecasts");

                    // the circuit breaker may still hold the outage's calls and keep the backend out for a moment
                    await().atMost(Duration.ofSeconds(10)).until(() -> {
                        assertThat(weather.forecast("Lyon")).isEqualTo("sunny in Lyon");
                        return redis.server().command("DBSIZE").equals("1");
                    });
                    int runs = weather.runs();
                    assertThat(weather.forecast("Lyon")).isEqualTo("sunny in Lyon");
                    assertThat(weather.runs()).as("a hit, read from Redis").isEqualTo(runs);
                });
    }
}
