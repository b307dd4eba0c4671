package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisSentinel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisSentinelConnectionTest {

    @RegisterExtension
    static final RedisExtension SENTINEL = RedisExtension.sentinel();

    @Test
    void aRedisSentinelUriReachesTheMaster() {
        RedisSentinel sentinel = SENTINEL.redisSentinel();
        try (CacheManager manager = new CacheManager(); CacheManager other = new CacheManager()) {
            ZodiacCache cache = manager.setup("sentinel", CacheConfig.fromUri(sentinel.uri()).build());
            ZodiacCache peer = other.setup("sentinel", CacheConfig.fromUri(sentinel.uri()).build());

            assertThat(cache.blocking().set("k", "via sentinel")).isTrue();

            assertThat(sentinel.currentMaster().command("GET", "zodiac_cache:sentinel:k")).isEqualTo("\"via sentinel\"");
            assertThat(peer.blocking().get("k")).isEqualTo("via sentinel");
            assertThat(peer.blocking().getOrSet("produced", () -> "once")).isEqualTo("once");
            assertThat(cache.blocking().getOrSet("produced", () -> "twice")).isEqualTo("once");
        }
    }
}
