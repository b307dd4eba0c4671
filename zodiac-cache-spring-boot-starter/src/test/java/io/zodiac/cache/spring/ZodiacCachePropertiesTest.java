package io.zodiac.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CircuitBreakerPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The {@code zodiac.cache.*} keys: described in the configuration metadata and in the README, misspelt ones
 * refused with a suggestion, {@code zodiac.cache.defaults} taken by every cache.
 */
class ZodiacCachePropertiesTest {

    /** Written by spring-boot-configuration-processor at compile time, merged with the additional metadata. */
    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    private static final Path README = Path.of("../README.md");
    private static final String PER_CACHE = "zodiac.cache.caches.<name>.";
    private static final String DEFAULTS = "zodiac.cache.defaults.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ZodiacCacheAutoConfiguration.class))
            .withPropertyValues("zodiac.cache.global=false");

    private static Map<String, JsonNode> metadata() throws IOException {
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        new ObjectMapper().readTree(METADATA.toFile()).get("properties")
                .forEach(property -> properties.put(property.get("name").asText(), property));
        return properties;
    }

    /** The keys of the README's property table: its rows' first cells. */
    private static List<String> readmeKeys() throws IOException {
        List<String> keys = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `(zodiac\\.cache\\.[^`]+)` \\|").matcher(Files.readString(README));
        while (row.find()) {
            keys.add(row.group(1));
        }
        return keys;
    }

    @Test
    void everyKeyOfTheReadmeIsInTheMetadataWithADescription() throws IOException {
        Map<String, JsonNode> metadata = metadata();
        List<String> keys = readmeKeys();
        assertThat(keys).contains("zodiac.cache.enabled", PER_CACHE + "default-ttl",
                PER_CACHE + "circuit-breaker.open-duration", DEFAULTS + "<setting>");
        for (String key : keys) {
            if (key.equals(PER_CACHE + "prefix") || key.equals(DEFAULTS + "<setting>")) {
                continue; // a cache's own prefix is not a default; the defaults row stands for the per-cache rows
            }
            // the keys of a map's values are described once, under zodiac.cache.defaults, which takes them all
            String described = key.replace(PER_CACHE, DEFAULTS);
            assertThat(metadata).as(key).containsKey(described);
            assertThat(metadata.get(described).path("description").asText()).as(key).isNotBlank();
        }
    }

    @Test
    void everyKeyOfTheMetadataIsInTheReadme() throws IOException {
        List<String> keys = readmeKeys();
        for (String key : metadata().keySet()) {
            if (!key.equals("zodiac.cache.caches")) {
                assertThat(keys).as("README row for " + key).contains(key.replace(DEFAULTS, PER_CACHE));
            }
        }
    }

    @Test
    void theBackendAndTheSerializerHaveValueHints() throws IOException {
        Map<String, List<String>> hints = new LinkedHashMap<>();
        new ObjectMapper().readTree(METADATA.toFile()).get("hints").forEach(hint -> {
            List<String> values = new ArrayList<>();
            hint.get("values").forEach(value -> values.add(value.get("value").asText()));
            hints.put(hint.get("name").asText(), values);
        });
        assertThat(hints.get(DEFAULTS + "backend")).containsExactly("memory", "redis", "memcached");
        assertThat(hints.get(DEFAULTS + "serializer")).containsExactly("reference", "json", "string", "bytes", "java");
    }

    @Test
    void aMisspeltKeyOfACacheFailsStartupWithTheClosestSetting() {
        runner.withPropertyValues("zodiac.cache.caches.default.default-tll=10").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "Unknown property 'zodiac.cache.caches.default.default-tll'")
                    .hasStackTraceContaining("did you mean default-ttl?");
        });
        runner.withPropertyValues("zodiac.cache.caches.sessions.circuit-breaker.open-durations=5s")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("zodiac.cache.caches.sessions.circuit-breaker has no setting "
                                + "'open-durations'; did you mean open-duration?"));
    }

    @Test
    void aMisspeltTopLevelKeyFailsStartupWithTheClosestSetting() {
        runner.withPropertyValues("zodiac.cache.opration-timeout=1s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "Unknown property 'zodiac.cache.opration-timeout'")
                    .hasStackTraceContaining("zodiac.cache has no setting 'opration-timeout'");
        });
        runner.withPropertyValues("zodiac.cache.defaults.opration-timeout=1s").run(context -> assertThat(
                context.getStartupFailure()).hasStackTraceContaining("did you mean operation-timeout?"));
        runner.withPropertyValues("zodiac.cache.prefx=shop").run(context -> assertThat(
                context.getStartupFailure()).hasStackTraceContaining("did you mean prefix?"));
    }

    @Test
    void everyCurrentSpellingStillBinds() {
        runner.withPropertyValues(
                        "zodiac.cache.enabled=true",
                        "zodiac.cache.prefix=shop",
                        "zodiac.cache.spring-cache.enabled=true",
                        "zodiac.cache.spring-cache.allow-null-values=false",
                        "zodiac.cache.caches.default.max-size=",
                        "zodiac.cache.caches.default.maxValueSize=1MB",
                        "zodiac.cache.caches.default.serializer=java",
                        "zodiac.cache.caches.default.java-allowlist[0]=com.example.**",
                        "zodiac.cache.caches.mem.backend=memory",
                        "zodiac.cache.caches.remote.uri=redis://127.0.0.1:1/0",
                        "zodiac.cache.caches.remote.options[connect_timeout]=1s",
                        "zodiac.cache.caches.uri.uri=memory://",
                        "zodiac.cache.caches.uri.prefix=elsewhere",
                        "zodiac.cache.caches.uri.default-ttl=60",
                        "zodiac.cache.caches.uri.operation-timeout=1s",
                        "zodiac.cache.caches.uri.circuit-breaker.window=20",
                        "zodiac.cache.caches.uri.circuit-breaker.minimum-calls=10",
                        "zodiac.cache.caches.uri.circuit-breaker.failure-rate=20",
                        "zodiac.cache.caches.uri.circuit-breaker.slow-call-rate=30",
                        "zodiac.cache.caches.uri.circuit-breaker.slow-call=400",
                        "zodiac.cache.caches.uri.circuit-breaker.open-duration=2")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CacheManager.class).names())
                            .containsExactlyInAnyOrder("default", "mem", "remote", "uri");
                });
        runner.withPropertyValues(
                        "zodiac.cache.caches.uri.uri=memory://",
                        "zodiac.cache.caches.uri.circuit-breaker.window=20",
                        "zodiac.cache.caches.uri.circuit-breaker.slow-call=400",
                        "zodiac.cache.caches.uri.circuit-breaker.open-duration=2")
                .run(context -> assertThat(context.getBean(CacheManager.class).getCache("uri").config().circuitBreaker())
                        .isEqualTo(CircuitBreakerPolicy.defaults().window(20).slowCall(Duration.ofMillis(400))
                                .openFor(Duration.ofSeconds(2))));
    }

    @Test
    void everyCacheTakesTheDefaultsItDoesNotSet() {
        runner.withPropertyValues(
                        "zodiac.cache.defaults.operation-timeout=750ms",
                        "zodiac.cache.defaults.default-ttl=30",
                        "zodiac.cache.defaults.circuit-breaker.failure-rate=25",
                        "zodiac.cache.defaults.serializer=java",
                        "zodiac.cache.defaults.java-allowlist=com.example.**",
                        "zodiac.cache.caches.default.max-size=10",
                        "zodiac.cache.caches.strings.default-ttl=5m",
                        "zodiac.cache.caches.strings.serializer=string",
                        "zodiac.cache.caches.strings.circuit-breaker.open-duration=3s")
                .run(context -> {
                    CacheConfig byDefault = context.getBean(CacheManager.class).cache().config();
                    assertThat(byDefault.operationTimeout()).isEqualTo(Duration.ofMillis(750));
                    assertThat(byDefault.defaultTtl()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(byDefault.maxSize()).isEqualTo(10);
                    assertThat(byDefault.serializer().name()).isEqualTo("java");

                    CacheConfig strings = context.getBean(CacheManager.class).getCache("strings").config();
                    assertThat(strings.operationTimeout()).isEqualTo(Duration.ofMillis(750));
                    assertThat(strings.defaultTtl()).isEqualTo(Duration.ofMinutes(5));
                    assertThat(strings.serializerName()).as("serializer and allowlist go together")
                            .isEqualTo("string");
                    assertThat(strings.circuitBreaker()).isEqualTo(CircuitBreakerPolicy.defaults().failureRate(25)
                            .openFor(Duration.ofSeconds(3)));
                });
    }
}
