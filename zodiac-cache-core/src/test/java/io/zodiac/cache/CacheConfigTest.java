package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.zodiac.cache.plugin.HitMissRatioPlugin;
import io.zodiac.cache.plugin.TimingPlugin;
import io.zodiac.cache.serializer.JavaSerializer;
import io.zodiac.cache.serializer.JsonSerializer;
import io.zodiac.cache.spi.BackendOption;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
        HitMissRatioPlugin plugin = new HitMissRatioPlugin();
        CacheConfig a = CacheConfig.builder().name("s").backend("redis").option("port", 6379).option("endpoint", "h")
                .serializer("json").plugins(plugin).defaultTtl(Duration.ofSeconds(3)).build();
        CacheConfig b = CacheConfig.builder().name("s").backend("redis").option("endpoint", "h").option("port", 6379)
                .serializer("json").plugins(plugin).defaultTtl(Duration.ofSeconds(3)).build();
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

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("numbersThatMeanNothingValid")
    void fromMapRefusesNumbersThatWouldQuietlyMeanSomethingElse(String setting, Object value) {
        // NaN used to mean "no expiry", 1e-10 s rounded to zero ("no expiry"), 1.9 entries was cut to 1
        assertThatThrownBy(() -> CacheConfig.fromMap(Map.of(setting, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(setting);
    }

    static Stream<Arguments> numbersThatMeanNothingValid() {
        return Stream.of(
                Arguments.of("ttl", Double.NaN), Arguments.of("ttl", "NaN"), Arguments.of("ttl", Double.POSITIVE_INFINITY),
                Arguments.of("ttl", 1e-10), Arguments.of("ttl", "1e-10"), Arguments.of("ttl", "0.1ns"),
                Arguments.of("ttl", 1e300), Arguments.of("timeout", Float.NaN), Arguments.of("default_ttl", "1e19"),
                Arguments.of("max_size", 1.9), Arguments.of("max_size", "1.9"), Arguments.of("max_size", 1e30));
    }

    @Test
    void fromMapTakesEveryExactNumber() {
        assertThat(CacheConfig.fromMap(Map.of("ttl", 1e-9)).defaultTtl()).isEqualTo(Duration.ofNanos(1));
        assertThat(CacheConfig.fromMap(Map.of("ttl", "1.5ms")).defaultTtl()).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(CacheConfig.fromMap(Map.of("ttl", 0)).defaultTtl()).as("0 is no expiry").isNull();
        assertThat(CacheConfig.fromMap(Map.of("ttl", 2.5f)).defaultTtl()).isEqualTo(Duration.ofMillis(2500));
        assertThat(CacheConfig.fromMap(Map.of("ttl", new BigDecimal("86400"))).defaultTtl()).isEqualTo(Duration.ofDays(1));
        assertThat(CacheConfig.fromMap(Map.of("max_size", 2.0)).maxSize()).isEqualTo(2);
        assertThat(CacheConfig.fromMap(Map.of("max_size", "1000")).maxSize()).isEqualTo(1000);
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
    }

    @Test
    void typedOptionsReadEveryRawFormAndNameTheOptionAndValueWhenWrong() {
        BackendOption<String> endpoint = BackendOption.string("endpoint");
        assertThat(endpoint.from(options("endpoint", "h"))).isEqualTo("h");
        assertThat(endpoint.from(CacheConfig.defaults())).as("absent, no default").isNull();
        assertThat(BackendOption.string("mode", "fast").from(CacheConfig.defaults())).isEqualTo("fast");

        BackendOption<Integer> db = BackendOption.integer("db", 0, 0, 15);
        assertThat(db.from(options("db", 3))).isEqualTo(3);
        assertThat(db.from(options("db", 3L))).isEqualTo(3);
        assertThat(db.from(options("db", " 7 "))).as("text, as from a URI or Spring").isEqualTo(7);
        assertThat(db.from(CacheConfig.defaults())).isZero();
        assertRejected(db, "x", "option 'db' must be an integer, got 'x'");
        assertRejected(db, 16, "option 'db' must be between 0 and 15, got '16'");
        assertRejected(BackendOption.integer("db", 0, 0, Integer.MAX_VALUE), -1, "option 'db' must not be negative, got '-1'");
        assertRejected(BackendOption.integer("pool", 1, 1, Integer.MAX_VALUE), "0", "option 'pool' must be at least 1, got '0'");

        BackendOption<Integer> port = BackendOption.port("port", 6379);
        assertThat(port.from(options("port", "6380"))).isEqualTo(6380);
        assertThat(port.from(CacheConfig.defaults())).isEqualTo(6379);
        assertRejected(port, 0, "option 'port' must be between 1 and 65535, got '0'");
        assertRejected(port, 70000, "option 'port' must be between 1 and 65535, got '70000'");
        assertRejected(port, "http", "option 'port' must be an integer, got 'http'");

        BackendOption<Boolean> ssl = BackendOption.bool("ssl", false);
        assertThat(ssl.from(options("ssl", true))).isTrue();
        assertThat(ssl.from(options("ssl", "TRUE"))).isTrue();
        assertThat(ssl.from(CacheConfig.defaults())).isFalse();
        assertRejected(ssl, "yes", "option 'ssl' must be true or false, got 'yes'");

        BackendOption<Duration> wait = BackendOption.duration("wait", Duration.ofSeconds(10));
        assertThat(wait.from(options("wait", Duration.ofMillis(250)))).isEqualTo(Duration.ofMillis(250));
        assertThat(wait.from(options("wait", 2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(wait.from(options("wait", "0.5"))).isEqualTo(Duration.ofMillis(500));
        assertThat(wait.from(options("wait", "500ms"))).isEqualTo(Duration.ofMillis(500));
        assertThat(wait.from(options("wait", "PT1M"))).isEqualTo(Duration.ofMinutes(1));
        assertThat(wait.from(CacheConfig.defaults())).isEqualTo(Duration.ofSeconds(10));
        assertRejected(wait, "soon", "option 'wait' must be a positive duration", "got 'soon'");
        assertRejected(wait, 0, "option 'wait' must be a positive duration", "got '0'");
        assertRejected(wait, "-PT1S", "option 'wait' must be a positive duration", "got '-PT1S'");

        BackendOption<List<String>> servers = BackendOption.list("servers");
        assertThat(servers.from(options("servers", "a:1, b:2"))).containsExactly("a:1", " b:2");
        assertThat(servers.from(options("servers", List.of("a:1", 2)))).containsExactly("a:1", "2");
        assertThat(servers.from(CacheConfig.defaults())).isEmpty();

        assertThat(BackendOption.names(endpoint, port, ssl)).containsExactlyInAnyOrder("endpoint", "port", "ssl");
        assertThat(BackendOption.CONNECT_TIMEOUT.name()).isEqualTo("connect_timeout");
        assertThat(BackendOption.CONNECT_TIMEOUT.defaultValue()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void timeoutIsTheOperationTimeoutWhereverItIsGiven() {
        Duration half = Duration.ofMillis(500);
        assertThat(CacheConfig.fromMap(Map.of("timeout", 0.5)).operationTimeout()).isEqualTo(half);
        assertThat(CacheConfig.builder().option("timeout", 0.5).build()).satisfies(c -> {
            assertThat(c.operationTimeout()).isEqualTo(half);
            assertThat(c.options()).as("not a backend option").isEmpty();
        });
        assertThat(CacheConfig.builder().option("timeout", "500ms").build().operationTimeout()).isEqualTo(half);
        assertThat(CacheConfig.builder().options(Map.of("timeout", "PT0.5S")).build().operationTimeout())
                .as("Spring's options map").isEqualTo(half);
        assertThat(CacheConfig.builder().option("timeout", 2).option("timeout", null).build().operationTimeout())
                .isEqualTo(CacheConfig.DEFAULT_OPERATION_TIMEOUT);
        assertThat(CacheConfig.fromUri("redis://h:6379/0?timeout=500ms").build()).satisfies(c -> {
            assertThat(c.operationTimeout()).isEqualTo(half);
            assertThat(c.option("uri")).isEqualTo("redis://h:6379/0");
        });
        assertThat(CacheConfig.fromUri("redis-sentinel://h:26379/0?clientName=a&timeout=0.5&database=1#mymaster").build())
                .satisfies(c -> {
                    assertThat(c.operationTimeout()).isEqualTo(half);
                    assertThat(c.option("uri")).isEqualTo("redis-sentinel://h:26379/0?clientName=a&database=1#mymaster");
                });
        assertThat(CacheConfig.fromUri("memcached://h:11211?timeout=0.5").build().option("uri"))
                .isEqualTo("memcached://h:11211");
        assertThat(CacheConfig.fromMap(Map.of("timeout", 0.5)))
                .isEqualTo(CacheConfig.builder().option("timeout", 0.5).build())
                .isEqualTo(CacheConfig.fromUri("memory://").operationTimeout(half).build());
        assertThatThrownBy(() -> CacheConfig.builder().option("timeout", "soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout").hasMessageContaining("soon");
        assertThatThrownBy(() -> CacheConfig.builder().option("timeout", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operationTimeout");
        assertThatThrownBy(() -> CacheConfig.fromUri("redis://h:6379?timeout=soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout").hasMessageContaining("soon");
    }

    @Test
    void maxValueSizeIsGivenInBytesWithOptionalUnitsWhereverItIsGiven() {
        assertThat(CacheConfig.defaults().maxValueSize()).as("the backend's default").isNull();
        assertThat(CacheConfig.builder().maxValueSize(1000).build().maxValueSize()).isEqualTo(1000L);
        assertThat(CacheConfig.fromMap(Map.of("max_value_size", 1_048_576)).maxValueSize()).isEqualTo(1_048_576L);
        assertThat(CacheConfig.fromMap(Map.of("max_value_size", "512k")).maxValueSize()).isEqualTo(512 * 1024L);
        assertThat(CacheConfig.fromMap(Map.of("max_value_size", " 4 MB")).maxValueSize()).isEqualTo(4L << 20);
        assertThat(CacheConfig.fromMap(Map.of("maxValueSize", "1g")).maxValueSize()).isEqualTo(1L << 30);
        assertThat(CacheConfig.builder().option("max_value_size", "2m").build()).satisfies(c -> {
            assertThat(c.maxValueSize()).isEqualTo(2L << 20);
            assertThat(c.options()).as("not a backend option").isEmpty();
        });
        assertThat(CacheConfig.builder().maxValueSize(5).option("max_value_size", null).build().maxValueSize()).isNull();
        assertThat(CacheConfig.fromUri("redis://h:6379/0?max_value_size=1m&timeout=2s").build()).satisfies(c -> {
            assertThat(c.maxValueSize()).isEqualTo(1L << 20);
            assertThat(c.option("uri")).isEqualTo("redis://h:6379/0");
        });
        for (Object bad : List.of("1.5", "-1", "0", "lots", "1t", 1.5, 0, "99999999999999999999")) {
            assertThatThrownBy(() -> CacheConfig.fromMap(Map.of("max_value_size", bad))).as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_value_size");
        }
        assertThatThrownBy(() -> CacheConfig.builder().maxValueSize(0)).hasMessageContaining("max_value_size must be a positive number of bytes");
        try (CacheManager manager = new CacheManager()) {
            assertThatThrownBy(() -> manager.setup("refs", CacheConfig.builder().maxValueSize(1000).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max_value_size")
                    .hasMessageContaining("serializer 'reference'");
            assertThat(manager.isSetUp("default")).isFalse();
        }
    }

    @Test
    void theSameSettingsFromBuilderMapAndAliasAreEqual() {
        JavaSerializer java = JavaSerializer.allowing("com.example.**");
        HitMissRatioPlugin ratio = new HitMissRatioPlugin();
        TimingPlugin timing = new TimingPlugin();
        CacheConfig built = CacheConfig.builder().name("s").backend("redis").option("endpoint", "h").option("port", 6379)
                .serializer(java).plugins(ratio, timing)
                .defaultTtl(Duration.ofSeconds(300)).operationTimeout(Duration.ofMillis(500)).maxSize(10).build();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("cache", "aiocache.RedisCache");
        map.put("name", "s");
        map.put("endpoint", "h");
        map.put("port", 6379);
        map.put("serializer", JavaSerializer.allowing("com.example.**"));
        map.put("plugins", List.of(ratio, timing));
        map.put("ttl", 300);
        map.put("timeout", "0.5");
        map.put("max_size", 10);
        CacheConfig fromMap = CacheConfig.fromMap(map);
        CacheConfig.registerAlias("equal_settings", fromMap);
        CacheConfig fromAlias = CacheConfig.alias("equal_settings").toBuilder().build();

        assertThat(fromMap).isEqualTo(built).hasSameHashCodeAs(built);
        assertThat(fromAlias).isEqualTo(built).hasSameHashCodeAs(built).isNotSameAs(fromMap);
        assertThat(built.differences(fromMap)).isEmpty();
    }

    @Test
    void everySettingTakesPartInEquality() {
        HitMissRatioPlugin plugin = new HitMissRatioPlugin();
        CacheConfig base = CacheConfig.builder().name("s").backend("redis").option("endpoint", "h")
                .serializer(JavaSerializer.allowing("a.**")).plugins(plugin)
                .defaultTtl(Duration.ofSeconds(3)).build();
        List<Map.Entry<String, CacheConfig>> changed = new ArrayList<>();
        changed.add(Map.entry("name", base.toBuilder().name("t").build()));
        changed.add(Map.entry("backend", base.toBuilder().backend("memcached").build()));
        changed.add(Map.entry("options", base.toBuilder().option("endpoint", "g").build()));
        changed.add(Map.entry("options", base.toBuilder().option("port", 6379).build()));
        changed.add(Map.entry("serializer", base.toBuilder().serializer(JavaSerializer.allowing("b.**")).build()));
        changed.add(Map.entry("serializer", base.toBuilder().serializer("json").build()));
        changed.add(Map.entry("plugins", base.toBuilder().plugins(new TimingPlugin()).build()));
        changed.add(Map.entry("plugins", base.toBuilder().plugins(new HitMissRatioPlugin(), new HitMissRatioPlugin()).build()));
        changed.add(Map.entry("defaultTtl", base.toBuilder().defaultTtl(null).build()));
        changed.add(Map.entry("operationTimeout", base.toBuilder().operationTimeout(Duration.ofSeconds(1)).build()));
        changed.add(Map.entry("maxSize", base.toBuilder().maxSize(5).build()));
        changed.add(Map.entry("maxValueSize", base.toBuilder().maxValueSize(1024).build()));
        changed.add(Map.entry("serializer", base.toBuilder().serializer(JavaSerializer.builder().allow("a.**").maxDepth(9).build()).build()));
        changed.add(Map.entry("circuitBreaker", base.toBuilder()
                .circuitBreaker(CircuitBreakerPolicy.defaults().failureRate(25)).build()));
        changed.add(Map.entry("circuitBreaker", base.toBuilder()
                .circuitBreaker(CircuitBreakerPolicy.defaults().openFor(Duration.ofSeconds(9))).build()));

        assertThat(base.toBuilder().plugins(plugin).build()).as("the same plugin").isEqualTo(base).hasSameHashCodeAs(base);
        changed.add(Map.entry("plugins", base.toBuilder().plugins(new HitMissRatioPlugin()).build()));
        for (Map.Entry<String, CacheConfig> change : changed) {
            String setting = change.getKey();
            assertThat(change.getValue()).as(setting).isNotEqualTo(base);
            assertThat(base).as(setting).isNotEqualTo(change.getValue());
            assertThat(base.differences(change.getValue())).as(setting).singleElement(STRING).startsWith(setting + " (");
        }
        assertThat(CacheConfig.builder().serializer("json").build()).as("a name is not an instance")
                .isNotEqualTo(CacheConfig.builder().serializer(new JsonSerializer()).build());
        assertThat(CacheConfig.builder().option("port", 6379).build()).as("options compare by value and type")
                .isNotEqualTo(CacheConfig.builder().option("port", "6379").build());
    }

    private static CacheConfig options(String option, Object value) {
        return CacheConfig.builder().option(option, value).build();
    }

    private static void assertRejected(BackendOption<?> option, Object raw, String... messageParts) {
        assertThatThrownBy(() -> option.from(options(option.name(), raw)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll(messageParts);
    }

    // ---------------------------------------------------------------- seed parity

    @Test
    void defaultTtlWinsOverTtlWhateverTheMapsOrder() {
        Map<String, Object> ttlFirst = new LinkedHashMap<>();
        ttlFirst.put("ttl", 20);
        ttlFirst.put("default_ttl", 10);
        Map<String, Object> defaultFirst = new LinkedHashMap<>();
        defaultFirst.put("default_ttl", 10);
        defaultFirst.put("ttl", 20);

        assertThat(CacheConfig.fromMap(ttlFirst).defaultTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(CacheConfig.fromMap(defaultFirst).defaultTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(CacheConfig.fromMap(Map.of("ttl", 20, "default_ttl", 10)).defaultTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(CacheConfig.fromMap(Map.of("ttl", 20)).defaultTtl()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aiocacheSerializerClassNamesMapToOursAndPickleIsRefusedWithTheReason() {
        assertThat(CacheConfig.fromMap(Map.of("serializer", Map.of("class", "aiocache.serializers.JsonSerializer")))
                .serializerName()).isEqualTo("json");
        assertThat(CacheConfig.fromMap(Map.of("serializer", "aiocache.serializers.StringSerializer"))
                .serializerName()).isEqualTo("string");
        assertThat(CacheConfig.fromMap(Map.of("serializer", "JsonSerializer")).serializerName()).isEqualTo("json");
        assertThatThrownBy(() -> CacheConfig.fromMap(Map.of("serializer", Map.of("class", "aiocache.serializers.PickleSerializer"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pickle is Python's native serialization and is not offered")
                .hasMessageContaining("use json")
                .hasMessageContaining("JavaSerializer.allowing");
    }

    @Test
    void aNamespaceOptionIsAcceptedAndOverridden() {
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup("mine", CacheConfig.builder().option("namespace", "elsewhere").build());
            assertThat(cache.namespace()).isEqualTo("zodiac_cache:mine");
            CacheConfig.registerAlias("option_namespace", CacheConfig.builder().name("other").option("namespace", "x").build());
            assertThat(manager.setup("theirs", CacheConfig.alias("option_namespace")).namespace()).isEqualTo("zodiac_cache:theirs");
        }
    }

    @Test
    void settingUpANameAgainWithAnotherPluginInstanceIsAConflict() {
        HitMissRatioPlugin first = new HitMissRatioPlugin();
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup("app", CacheConfig.builder().plugins(first).build());
            assertThat(manager.setup("app", CacheConfig.builder().plugins(first).build())).as("the same instance").isSameAs(cache);
            assertThatThrownBy(() -> manager.setup("app", CacheConfig.builder().plugins(new HitMissRatioPlugin()).build()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already configured with different settings")
                    .hasMessageContaining("plugins");
        }
    }
}
