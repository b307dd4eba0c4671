package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.HitMissRatioPlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import io.zodiac.cache.plugin.TimingPlugin;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PluginTest {

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void preAndPostSurroundEveryOperation() {
        List<String> calls = new CopyOnWriteArrayList<>();
        ZodiacCache cache = manager.setup("p", CacheConfig.builder().plugins(new CachePlugin() {
            @Override
            public void pre(String cacheName, Operation operation, String key) {
                calls.add("pre " + operation + " " + key);
            }

            @Override
            public void post(OperationEvent event) {
                calls.add("post " + event.operation() + " " + event.key() + " " + event.result() + " " + event.hit());
            }
        }).build());
        cache.set("k", "v").join();
        cache.get("k").join();
        cache.get("absent").join();
        cache.delete("k").join();
        assertThat(calls).containsExactly(
                "pre SET k", "post SET k true false",
                "pre GET k", "post GET k v true",
                "pre GET absent", "post GET absent null false",
                "pre DELETE k", "post DELETE k true false");
    }

    @Test
    void hitMissRatioCountsReads() {
        HitMissRatioPlugin ratio = new HitMissRatioPlugin();
        ZodiacCache cache = manager.setup("p", CacheConfig.builder().plugins(ratio).build());
        cache.set("k", 0).join();
        cache.get("k").join();
        cache.get("k").join();
        cache.get("x").join();
        cache.blocking().getOrSet("k", () -> 1);
        assertThat(ratio.hits()).isEqualTo(3);
        assertThat(ratio.misses()).isEqualTo(1);
        assertThat(ratio.hitRatio()).isEqualTo(0.75);
        ratio.reset();
        assertThat(ratio.hitRatio()).isZero();
    }

    @Test
    void timingMeasuresEachOperation() {
        TimingPlugin timing = new TimingPlugin();
        ZodiacCache cache = manager.setup("p", CacheConfig.builder().plugins(timing).build());
        cache.set("k", 1).join();
        cache.get("k").join();
        cache.get("k").join();
        assertThat(timing.stats(Operation.GET).count()).isEqualTo(2);
        assertThat(timing.stats(Operation.GET).max()).isGreaterThanOrEqualTo(timing.stats(Operation.GET).min());
        assertThat(timing.stats(Operation.GET).mean()).isPositive();
        assertThat(timing.all()).containsOnlyKeys(Operation.SET, Operation.GET);
    }

    @Test
    void aFailingPluginNeverFailsTheOperation() {
        ZodiacCache cache = manager.setup("p", CacheConfig.builder().plugins(new CachePlugin() {
            @Override
            public void pre(String cacheName, Operation operation, String key) {
                throw new IllegalStateException("plugin bug");
            }

            @Override
            public void post(OperationEvent event) {
                throw new IllegalStateException("plugin bug");
            }
        }).build());
        assertThat(cache.set("k", "v").join()).isTrue();
        assertThat(cache.get("k").join()).isEqualTo("v");
        assertThat(cache.blocking().getOrSet("g", () -> "x")).isEqualTo("x");
    }
}
