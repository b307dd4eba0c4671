package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.plugin.HitMissRatioPlugin;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code getOrDefault} is the read that tells a stored null from a miss. */
class GetOrDefaultTest {

    private static final Object ABSENT = new Object();

    @ParameterizedTest(name = "plugins: {0}")
    @ValueSource(booleans = {false, true})
    void returnsTheDefaultForAMissOnlyAndCountsLikeGet(boolean withPlugin) {
        HitMissRatioPlugin ratio = new HitMissRatioPlugin();
        try (CacheManager manager = new CacheManager()) {
            CacheConfig.Builder config = CacheConfig.builder();
            ZodiacCache cache = manager.setup("test", withPlugin ? config.plugins(ratio).build() : config.build());
            cache.set("null", null).join();
            cache.set("one", 1).join();

            assertThat(cache.getOrDefault("null", ABSENT).join()).isNull();
            assertThat(cache.getOrDefault("one", ABSENT).join()).isEqualTo(1);
            assertThat(cache.getOrDefault("missing", ABSENT).join()).isSameAs(ABSENT);
            assertThat(cache.blocking().getOrDefault("missing", ABSENT)).isSameAs(ABSENT);
            if (withPlugin) {
                assertThat(ratio.hits()).isEqualTo(2);
                assertThat(ratio.misses()).isEqualTo(2);
            }
        }
    }
}
