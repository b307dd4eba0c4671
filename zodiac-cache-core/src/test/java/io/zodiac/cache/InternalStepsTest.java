package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.HitMissRatioPlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plugins can tell the steps getOrSet takes on its own from the caller's operations. */
class InternalStepsTest {

    static final class Recorder implements CachePlugin {
        final List<OperationEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void post(OperationEvent event) {
            events.add(event);
        }
    }

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void getOrSetReportsItsReadsLockAndStoreAsInternalSteps() {
        Recorder recorder = new Recorder();
        ZodiacCache cache = manager.setup("test", CacheConfig.builder().plugins(recorder).build());

        cache.getOrSet("k", () -> CompletableFuture.completedFuture("v")).join();

        assertThat(recorder.events).filteredOn(e -> !e.internal()).extracting(OperationEvent::operation)
                .containsExactly(Operation.GET_OR_SET);
        assertThat(recorder.events).filteredOn(OperationEvent::internal).extracting(OperationEvent::operation)
                .contains(Operation.GET, Operation.LOCK, Operation.PRODUCE, Operation.SET, Operation.UNLOCK);
    }

    @Test
    void hitMissRatioCountsOneMissPerGetOrSetCall() {
        HitMissRatioPlugin ratio = new HitMissRatioPlugin();
        ZodiacCache cache = manager.setup("test", CacheConfig.builder().plugins(ratio).build());

        cache.getOrSet("k", () -> CompletableFuture.completedFuture("v")).join();
        cache.getOrSet("k", () -> CompletableFuture.completedFuture("v")).join();
        cache.get("absent").join();

        assertThat(ratio.misses()).isEqualTo(2);
        assertThat(ratio.hits()).isEqualTo(1);
    }

    @Test
    void getOrDefaultTellsAStoredNullFromAMiss() {
        ZodiacCache cache = manager.setup("test", CacheConfig.builder().plugins(new Recorder()).build());
        ZodiacCache quiet = manager.setup("quiet", CacheConfig.builder().name("quiet").build());
        Object absent = new Object();
        for (ZodiacCache c : List.of(cache, quiet)) {
            c.set("null", null).join();
            c.set("one", 1).join();

            assertThat(c.getOrDefault("null", absent).join()).isNull();
            assertThat(c.getOrDefault("one", absent).join()).isEqualTo(1);
            assertThat(c.getOrDefault("missing", absent).join()).isSameAs(absent);
            assertThat(c.blocking().getOrDefault("missing", absent)).isSameAs(absent);
        }
    }
}
