package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.spring.app.AppConfiguration;
import io.zodiac.cache.spring.app.Forecast;
import io.zodiac.cache.spring.gadget.GadgetProbe;
import io.zodiac.cache.spring.gadget.Outsider;
import io.zodiac.cache.testkit.RedisExtension;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.context.ApplicationContext;

/**
 * Spring caches on Redis (JSON, the remote default) read values back as their own types, for the
 * classes the application allows, and never load a class it does not; in memory values stay objects.
 */
class SpringCacheTypesTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.standalone();

    private static final Instant AT = Instant.parse("2026-12-01T20:00:00Z");

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class, CacheAutoConfiguration.class))
            .withUserConfiguration(AppConfiguration.class)
            .withBean(Forecasts.class)
            .withBean(RecordingPlugin.class)
            .withPropertyValues(
                    "zodiac.cache.global=false",
                    "zodiac.cache.prefix=shop",
                    "zodiac.cache.caches.forecasts.uri=" + redis.uri(),
                    "zodiac.cache.caches.local.max-size=100");

    @AfterEach
    void flush() {
        redis.ensureRunning();
        redis.server().flushAll();
    }

    /** The cached methods; each call that runs counts. */
    static class Forecasts {
        private final AtomicInteger runs = new AtomicInteger();

        public int runs() {
            return runs.get();
        }

        @Cacheable("forecasts")
        public Forecast forecast(String city) {
            runs.incrementAndGet();
            return new Forecast(city, new BigDecimal("21.50"), AT);
        }

        @Cacheable(cacheNames = "forecasts", key = "'week:' + #city")
        public List<Forecast> week(String city) {
            runs.incrementAndGet();
            return List.of(new Forecast(city, new BigDecimal("1.10"), AT), new Forecast(city, new BigDecimal("2"), AT));
        }

        @Cacheable(cacheNames = "forecasts", key = "'temperatures:' + #city")
        public Map<String, BigDecimal> temperatures(String city) {
            runs.incrementAndGet();
            return Map.of("morning", new BigDecimal("3.30"), "noon", new BigDecimal("9.00"));
        }

        @Cacheable(cacheNames = "forecasts", key = "'array:' + #city")
        public Forecast[] array(String city) {
            runs.incrementAndGet();
            return new Forecast[] {new Forecast(city, BigDecimal.ONE, AT)};
        }

        @Cacheable(cacheNames = "forecasts", key = "'bytes:' + #city")
        public byte[] bytes(String city) {
            runs.incrementAndGet();
            return city.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Cacheable(cacheNames = "forecasts", key = "'sync:' + #city", sync = true)
        public Forecast synced(String city) {
            runs.incrementAndGet();
            return new Forecast(city, BigDecimal.TEN, AT);
        }

        @Cacheable(cacheNames = "forecasts", key = "'async:' + #city")
        public CompletableFuture<Forecast> later(String city) {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture(new Forecast(city, BigDecimal.ONE, AT));
        }

        @Cacheable(cacheNames = "forecasts", key = "'none:' + #city")
        public Forecast none(String city) {
            runs.incrementAndGet();
            return null;
        }

        @Cacheable(cacheNames = "forecasts", key = "'outsider:' + #id")
        public Outsider outsider(String id) {
            runs.incrementAndGet();
            return new Outsider(id);
        }

        @Cacheable(cacheNames = "forecasts", key = "'mixed:' + #id")
        public List<Object> mixed(String id) {
            runs.incrementAndGet();
            return List.of(id, new Forecast(id, BigDecimal.ONE, AT));
        }

        @Cacheable("local")
        public Forecast local(String city) {
            runs.incrementAndGet();
            return new Forecast(city, BigDecimal.ONE, AT);
        }

        @Cacheable(cacheNames = "local", key = "'outsider:' + #id")
        public Outsider localOutsider(String id) {
            runs.incrementAndGet();
            return new Outsider(id);
        }
    }

    private static String redisKey(String key) {
        return "zodiac_cache:shop%3Aforecasts:forecasts::" + key;
    }

    private static ZodiacSpringCache springCache(ApplicationContext context, String name) {
        return (ZodiacSpringCache) context.getBean(org.springframework.cache.CacheManager.class).getCache(name);
    }

    @Test
    void aRecordRoundTripsThroughCacheableOnRedis() {
        runner.run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            Forecast first = forecasts.forecast("Paris");
            Object second = forecasts.forecast("Paris");

            assertThat(second).isInstanceOf(Forecast.class).isEqualTo(first);
            assertThat(((Forecast) second).temperature()).isEqualTo(new BigDecimal("21.50")); // scale kept
            assertThat(forecasts.runs()).isEqualTo(1);
            assertThat(redis.server().command("GET", redisKey("Paris")))
                    .startsWith("{\"@type\":\"io.zodiac.cache.spring.app.Forecast\",\"value\":{\"city\":\"Paris\"");
        });
    }

    @Test
    void collectionsComeBackAsCollectionsOfTheirElementClass() {
        runner.run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            List<Forecast> week = forecasts.week("Oslo");
            List<Forecast> cached = forecasts.week("Oslo");
            assertThat(cached).isEqualTo(week).allSatisfy(day -> assertThat(day).isInstanceOf(Forecast.class));

            Map<String, BigDecimal> temperatures = forecasts.temperatures("Oslo");
            assertThat(forecasts.temperatures("Oslo")).isEqualTo(temperatures);
            assertThat(forecasts.array("Oslo")).containsExactly(forecasts.array("Oslo"));
            assertThat(forecasts.bytes("Oslo")).isEqualTo(forecasts.bytes("Oslo")).asString().isEqualTo("Oslo");
            assertThat(forecasts.runs()).isEqualTo(4);
            assertThat(redis.server().command("GET", redisKey("week:Oslo")))
                    .startsWith("{\"@type\":\"java.util.List<io.zodiac.cache.spring.app.Forecast>\"");
        });
    }

    @Test
    void syncAndFutureMethodsReadTheirTypesToo() {
        runner.run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            assertThat(forecasts.synced("Rome")).isEqualTo(forecasts.synced("Rome"));
            assertThat(forecasts.later("Rome").join()).isEqualTo(forecasts.later("Rome").join());
            assertThat(forecasts.runs()).isEqualTo(2);
        });
    }

    @Test
    void aValueOfADisallowedClassWrittenByAnotherClientIsAMissAndTheMethodRuns() {
        runner.run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            redis.server().command("SET", redisKey("Lima"),
                    "{\"@type\":\"io.zodiac.cache.spring.gadget.Outsider\",\"value\":{\"id\":\"x\"}}");

            assertThat(forecasts.forecast("Lima")).isEqualTo(new Forecast("Lima", new BigDecimal("21.50"), AT));
            assertThat(forecasts.runs()).isEqualTo(1);
            assertThat(springCache(context, "forecasts").refusedValues()).isEqualTo(1);
            assertThat(context.getBean(RecordingPlugin.class).events)
                    .anySatisfy(event -> assertThat(event).extracting(CacheEvent::kind, CacheEvent::key)
                            .containsExactly(CacheEvent.Kind.DECODE_FAILURE, "forecasts::Lima"));

            assertThat(forecasts.forecast("Lima")).isEqualTo(new Forecast("Lima", new BigDecimal("21.50"), AT));
            assertThat(forecasts.runs()).as("the method's value replaced the foreign one").isEqualTo(1);
        });
    }

    @Test
    void nullsAreCachedAndValuesWithoutATypeAreMisses() {
        runner.run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            assertThat(forecasts.none("Bern")).isNull();
            assertThat(forecasts.none("Bern")).isNull();
            assertThat(forecasts.runs()).isEqualTo(1);
            assertThat(redis.server().command("GET", redisKey("none:Bern"))).isEqualTo("{\"@type\":\"null\",\"value\":null}");

            redis.server().command("SET", redisKey("Bern"), "{\"city\":\"Bern\",\"temperature\":1}");
            assertThat(forecasts.forecast("Bern")).isEqualTo(new Forecast("Bern", new BigDecimal("21.50"), AT));
            assertThat(forecasts.runs()).isEqualTo(2);
        });
    }

    @Test
    void gadgetClassNamesAreNeverLoadedNorInstantiated() {
        runner.run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            List<String> gadgets = List.of("io.zodiac.cache.spring.gadget.Gadget", "java.net.URL",
                    "javax.management.BadAttributeValueExpException", "java.util.List<io.zodiac.cache.spring.gadget.Gadget>",
                    "java.util.Map<java.lang.String,java.net.URL>", "[Ljava.net.URL;");
            for (String gadget : gadgets) {
                redis.server().command("SET", redisKey(gadget), "{\"@type\":\"" + gadget + "\",\"value\":{\"command\":\"x\"}}");
                assertThat(forecasts.forecast(gadget)).as(gadget).isEqualTo(new Forecast(gadget, new BigDecimal("21.50"), AT));
            }
            assertThat(forecasts.runs()).isEqualTo(gadgets.size());
            assertThat(GadgetProbe.INITIALIZED).isFalse();
            assertThat(GadgetProbe.CONSTRUCTED).hasValue(0);
        });
    }

    @Test
    void aValueOfADisallowedClassIsNotStoredAndTheMethodRunsEachTime() {
        runner.run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            assertThat(forecasts.outsider("1")).isEqualTo(new Outsider("1"));
            assertThat(forecasts.outsider("1")).isEqualTo(new Outsider("1"));
            assertThat(forecasts.mixed("2")).hasSize(2);
            assertThat(forecasts.mixed("2")).hasSize(2);
            assertThat(forecasts.runs()).isEqualTo(4);
            assertThat(redis.server().command("EXISTS", redisKey("outsider:1"))).isEqualTo("0");
            assertThat(redis.server().command("EXISTS", redisKey("mixed:2"))).isEqualTo("0");
        });
    }

    @Test
    void allowedPackagesAddClassesOutsideTheApplication() {
        runner.withPropertyValues("zodiac.cache.spring-cache.allowed-packages=io.zodiac.cache.spring.gadget").run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            assertThat(forecasts.outsider("1")).isEqualTo(new Outsider("1"));
            assertThat(forecasts.outsider("1")).isInstanceOf(Outsider.class).isEqualTo(new Outsider("1"));
            assertThat(forecasts.forecast("Paris")).isEqualTo(forecasts.forecast("Paris"));
            assertThat(forecasts.runs()).as("the application's package is still allowed").isEqualTo(2);
        });
    }

    @Test
    void inMemoryValuesStayTheObjectsThemselves() {
        runner.run(context -> {
            Forecasts forecasts = context.getBean(Forecasts.class);
            Forecast local = forecasts.local("Nice");
            assertThat(forecasts.local("Nice")).isSameAs(local);
            Outsider outsider = forecasts.localOutsider("1");
            assertThat(forecasts.localOutsider("1")).as("no allowlist without deserialization").isSameAs(outsider);
            assertThat(forecasts.runs()).isEqualTo(2);
        });
    }
}
