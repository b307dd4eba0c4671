package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.NearCache;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The near cache's settings: builder, URI and map options, and where it is refused. None reaches a server. */
class NearCacheConfigTest {

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void builderUriAndMapGiveTheSameNearCache() {
        NearCache expected = NearCache.maximumSize(10_000).ttl(Duration.ofMinutes(5));
        CacheConfig built = CacheConfig.fromUri("redis://127.0.0.1:6379/0").nearCache(expected).build();
        CacheConfig fromUri = CacheConfig.fromUri("redis://127.0.0.1:6379/0?near_cache_size=10000&near_cache_ttl=5m").build();
        CacheConfig fromMap = CacheConfig.fromMap(Map.of("cache", "redis", "endpoint", "127.0.0.1",
                "near_cache_size", 10_000, "near_cache_ttl", 300));
        assertThat(built.nearCache()).isEqualTo(expected);
        assertThat(fromUri.nearCache()).isEqualTo(expected);
        assertThat(fromUri.option("uri")).isEqualTo("redis://127.0.0.1:6379/0"); // not passed on to Lettuce
        assertThat(fromMap.nearCache()).isEqualTo(expected);
        assertThat(fromMap.options()).doesNotContainKeys("near_cache_size", "near_cache_ttl");
        assertThat(built).isEqualTo(fromUri);
        assertThat(built.toBuilder().build()).isEqualTo(built);
        assertThat(built.toBuilder().nearCache(null).build().nearCache()).isNull();
        assertThat(CacheConfig.fromUri("redis://h:1").option("near_cache_size", "5").build().nearCache())
                .isEqualTo(NearCache.maximumSize(5));
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertThatThrownBy(() -> NearCache.maximumSize(0)).hasMessageContaining("near_cache_size");
        assertThatThrownBy(() -> NearCache.maximumSize(1).ttl(Duration.ZERO)).hasMessageContaining("near_cache_ttl");
        assertThatThrownBy(() -> CacheConfig.fromMap(Map.of("cache", "redis", "endpoint", "h", "near_cache_size", "x")))
                .hasMessageContaining("near_cache_size");
        assertThatThrownBy(() -> CacheConfig.fromMap(Map.of("cache", "redis", "endpoint", "h", "near_cache_ttl", 5)))
                .hasMessageContaining("near_cache_ttl needs near_cache_size");
    }

    @Test
    void aDifferentNearCacheIsADifferentSetting() {
        manager.setup("near", CacheConfig.fromUri("redis://127.0.0.1:1").nearCache(NearCache.maximumSize(10)).build());
        assertThatThrownBy(() -> manager.setup("near", CacheConfig.fromUri("redis://127.0.0.1:1")
                .nearCache(NearCache.maximumSize(20)).build()))
                .hasMessageContaining("nearCache");
    }

    @Test
    void memoryRefusesANearCache() {
        assertThatThrownBy(() -> manager.setup("mem", CacheConfig.builder().nearCache(NearCache.maximumSize(10)).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already in local memory");
    }
}
