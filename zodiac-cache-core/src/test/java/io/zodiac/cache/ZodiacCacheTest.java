package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.spi.Backend;

import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only the in-memory backend does. Every operation of {@link ZodiacCache} and every
 * serializer is checked on every backend by the cache contract
 * ({@code io.zodiac.cache.contract.MemoryContractTest} and the other {@code *ContractTest}s).
 */
class ZodiacCacheTest {

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void maxSizeEvictsAndTellsThePlugins() {
        List<CacheEvent> events = new CopyOnWriteArrayList<>();
        CachePlugin listener = new CachePlugin() {
            @Override
            public void onEvent(CacheEvent event) {
                events.add(event);
            }
        };
        ZodiacCache cache = manager.setup("bounded", CacheConfig.builder().maxSize(10).plugins(listener).build());
        for (int i = 0; i < 200; i++) {
            cache.set("k" + i, i).join();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(cache.keys("", 1000).join().size()).isLessThanOrEqualTo(10);
            assertThat(events).anyMatch(e -> e.kind() == CacheEvent.Kind.EVICTION && e.cache().equals("default"));
        });
    }

    @Test
    void incrementIsAtomicUnderLoadWithEveryCountingSerializer() throws Exception {
        for (String serializer : List.of("reference", "json", "string")) {
            ZodiacCache cache = manager.setup(serializer, CacheConfig.builder().name(serializer).serializer(serializer).build());
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                for (int i = 0; i < 8; i++) {
                    pool.submit(() -> {
                        for (int j = 0; j < 1000; j++) {
                            cache.increment("n", 1).join();
                        }
                    });
                }
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(cache.increment("n", 0).join()).as(serializer).isEqualTo(8000);
            assertThat(cache.get("n").join().toString()).as(serializer).isEqualTo("8000");
        }
    }
}
