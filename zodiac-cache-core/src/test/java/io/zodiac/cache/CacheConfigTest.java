package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.plugin.HitMissRatioPlugin;
import io.zodiac.cache.plugin.TimingPlugin;
import io.zodiac.cache.serializer.JavaSerializer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheConfigTest {

    @Test
    void defaultsAreTheInMemoryDefaultCache() {
        CacheConfig config = CacheConfig.defaults();
        assertThat(config.name()).isEqualTo("default");
        assertThat(config.backend()).isEqualTo("memory");
        assertThat(config.defaultTtl()).isNull();
        assertThat(config.operationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.serializerName()).isNull();
        assertThat(config.plugins()).isEmpty();
    }

    @Test
    void configurationsAreComparedByValue() {
        CacheConfig a = CacheConfig.builder().name("s").backend("redis").option("port", 6379).option("endpoint", "h")
                .serializer("json").plugins(new HitMissRatioPlugin()).defaultTtl(Duration.ofSeconds(3)).build();
        CacheConfig b = CacheConfig.builder().name("s").backend("redis").option("endpoint", "h").option("port", 6379)
                .serializer("json").plugins(new HitMissRatioPlugin()).defaultTtl(Duration.ofSeconds(3)).build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toBuilder().build()).isEqualTo(a);
        assertThat(a.toBuilder().option("port", 6380).build()).isNotEqualTo(a);
        assertThat(a.toBuilder().plugins(new TimingPlugin()).build()).isNotEqualTo(a);
        assertThat(CacheConfig.builder().serializer(JavaSerializer.allowing("a.**")).build())
                .isEqualTo(CacheConfig.builder().serializer(JavaSerializer.allowing("a.**")).build())
                .isNotEqualTo(CacheConfig.builder().serializer(JavaSerializer.allowing("b.**")).build());
    }

    @Test
    void fromMapTakesAiocacheKeys() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cache", "aiocache.RedisCache");
        map.put("endpoint", "127.0.0.1");
        map.put("port", 6379);
        map.put("db", 1);
        map.put("password", "secret");
        map.put("default_ttl", 300);
        map.put("serializer", Map.of("class", "json"));
        map.put("plugins", List.of(Map.of("class", "HitMissRatioPlugin"), "io.zodiac.cache.plugin.TimingPlugin"));
        map.put("timeout", 0.5);
        map.put("namespace", "ignored");
        CacheConfig config = CacheConfig.fromMap(map);
        assertThat(config.backend()).isEqualTo("redis");
        assertThat(config.options()).containsOnlyKeys("endpoint", "port", "db", "password");
        assertThat(config.defaultTtl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.serializerName()).isEqualTo("json");
        assertThat(config.plugins()).hasExactlyElementsOfTypes(HitMissRatioPlugin.class, TimingPlugin.class);
        assertThat(config.operationTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.toString()).doesNotContain("secret");
        assertThat(CacheConfig.fromMap(Map.of("ttl", "PT1M")).defaultTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> CacheConfig.fromMap(Map.of("ttl", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> CacheConfig.fromMap(Map.of("plugins", List.of("NoSuchPlugin"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NoSuchPlugin");
        assertThatThrownBy(() -> CacheConfig.fromMap(Map.of("serializer", "yaml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serializer 'yaml'");
    }

    @Test
    void fromUriChoosesTheBackendByScheme() {
        assertThat(CacheConfig.fromUri("redis://user:pw@127.0.0.1:6379/0").name("sessions").build())
                .satisfies(c -> {
                    assertThat(c.backend()).isEqualTo("redis");
                    assertThat(c.name()).isEqualTo("sessions");
                    assertThat(c.option("uri")).isEqualTo("redis://user:pw@127.0.0.1:6379/0");
                    assertThat(c.toString()).doesNotContain("pw");
                });
        assertThat(CacheConfig.fromUri("rediss://h:6380").build().backend()).isEqualTo("redis");
        assertThat(CacheConfig.fromUri("redis-sentinel://h:26379#mymaster").build().backend()).isEqualTo("redis");
        assertThat(CacheConfig.fromUri("memcached://h:11211").build().backend()).isEqualTo("memcached");
        assertThat(CacheConfig.fromUri("memory://").build().backend()).isEqualTo("memory");
        assertThatThrownBy(() -> CacheConfig.fromUri("mongodb://h")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme 'mongodb'");
        assertThatThrownBy(() -> CacheConfig.fromUri("localhost:6379")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no scheme");
    }

    @Test
    void aliasesAreRegisteredAndReused() {
        CacheConfig config = CacheConfig.builder().defaultTtl(Duration.ofSeconds(9)).build();
        CacheConfig.registerAlias("my_memory", config);
        assertThat(CacheConfig.alias("my_memory")).isSameAs(config);
        assertThat(CacheConfig.alias("my_memory").toBuilder().name("other").build().defaultTtl()).isEqualTo(Duration.ofSeconds(9));
        assertThatThrownBy(() -> CacheConfig.alias("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alias 'nope'");
    }

    @Test
    void aNamespaceInAnAliasOrOptionsIsOverriddenByThePrefix() {
        CacheConfig.registerAlias("with_namespace", CacheConfig.fromMap(Map.of("namespace", "elsewhere")));
        try (CacheManager manager = new CacheManager()) {
            assertThat(manager.setup("mine", CacheConfig.alias("with_namespace")).namespace()).isEqualTo("zodiac_cache:mine");
        }
    }

    @Test
    void settersRejectBadValuesNamingThem() {
        assertThatThrownBy(() -> CacheConfig.builder().operationTimeout(Duration.ZERO)).hasMessageContaining("operationTimeout");
        assertThatThrownBy(() -> CacheConfig.builder().maxSize(-1)).hasMessageContaining("maxSize");
        assertThatThrownBy(() -> CacheConfig.builder().name(" ")).hasMessageContaining("name");
        assertThatThrownBy(() -> CacheConfig.builder().serializer("java")).hasMessageContaining("allowlist");
        assertThatThrownBy(() -> CacheConfig.builder().circuitBreaker(0, Duration.ofSeconds(1))).hasMessageContaining("circuitBreaker");
        CacheConfig config = CacheConfig.builder().option("port", "x").option("flag", "maybe").build();
        assertThatThrownBy(() -> config.intOption("port", 1)).hasMessageContaining("option 'port' must be an integer");
        assertThatThrownBy(() -> config.booleanOption("flag", false)).hasMessageContaining("option 'flag'");
    }
}
