package io.zodiac.cache.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MicrometerPluginTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerPlugin plugin = new MicrometerPlugin(registry, Tags.of("app", "test"));
    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    private ZodiacCache memory(CacheConfig.Builder builder) {
        return manager.setup("metrics", builder.plugins(plugin).build());
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags("cache", "default").tags(tags).counter().count();
    }

    private long timed(String operation, String exception) {
        return registry.get("cache.operation").tags("cache", "default", "operation", operation, "exception", exception)
                .timer().count();
    }

    private double circuit(String state) {
        return registry.get("cache.circuit.state").tags("cache", "default", "state", state).gauge().value();
    }

    @Test
    void countsOneGetPerCallAndThePutsOfSetAndGetOrSet() {
        ZodiacCache cache = memory(CacheConfig.builder());

        cache.get("a").join();                                                    // miss
        cache.set("a", 1).join();                                                 // put
        cache.get("a").join();                                                    // hit
        cache.getOrSet("a", () -> CompletableFuture.completedFuture(2)).join();   // hit
        cache.getOrSet("b", () -> CompletableFuture.completedFuture(3)).join();   // miss, put, producer run
        cache.add("b", 4, null).join();                                           // not stored: no put

        assertThat(count("cache.gets", "result", "hit")).isEqualTo(2);
        assertThat(count("cache.gets", "result", "miss")).isEqualTo(2);
        assertThat(count("cache.puts")).isEqualTo(2);
        assertThat(count("cache.producer.runs", "result", "success")).isEqualTo(1);
        assertThat(count("cache.producer.runs", "result", "failure")).isZero();
        assertThat(timed("get_or_set", "none")).isEqualTo(2);
        assertThat(timed("lock", "none")).isEqualTo(1);
        assertThat(timed("add", "none")).isEqualTo(1);
        assertThat(registry.get("cache.gets").tags("app", "test").counters()).hasSize(2);
        assertThat(circuit("closed")).isEqualTo(1);
    }

    @Test
    void registeredCachesHaveTheirMetersBeforeTheirFirstOperation() {
        plugin.register("default");

        assertThat(count("cache.gets", "result", "hit")).isZero();
        assertThat(count("cache.gets", "result", "miss")).isZero();
        assertThat(circuit("closed")).isEqualTo(1);
    }

    @Test
    void aRegisteredInMemoryCacheHasASizeGauge() {
        ZodiacCache cache = memory(CacheConfig.builder());
        plugin.register(cache);
        assertThat(registry.get("cache.size").tags("cache", "default", "app", "test").gauge().value()).isZero();

        cache.set("a", 1).join();
        cache.set("b", 2).join();

        assertThat(registry.get("cache.size").tags("cache", "default").gauge().value()).isEqualTo(2);
    }

    /** The events a near cache sends (the Redis near cache's own tests check that it sends them). */
    @Test
    void countsNearCacheHitsMissesAndInvalidations() {
        plugin.register("near");
        assertThat(registry.get("cache.near.gets").tags("cache", "near", "app", "test", "result", "hit").counter().count())
                .isZero();

        plugin.onEvent(new CacheEvent("near", CacheEvent.Kind.NEAR_MISS, "k", null));
        plugin.onEvent(new CacheEvent("near", CacheEvent.Kind.NEAR_HIT, "k", null));
        plugin.onEvent(new CacheEvent("near", CacheEvent.Kind.NEAR_HIT, "k", null));
        plugin.onEvent(new CacheEvent("near", CacheEvent.Kind.NEAR_INVALIDATION, "k", null));
        plugin.onEvent(new CacheEvent("near", CacheEvent.Kind.NEAR_INVALIDATION, null, null)); // every copy at once

        assertThat(registry.get("cache.near.gets").tags("cache", "near", "result", "hit").counter().count()).isEqualTo(2);
        assertThat(registry.get("cache.near.gets").tags("cache", "near", "result", "miss").counter().count()).isEqualTo(1);
        assertThat(registry.get("cache.near.invalidations").tags("cache", "near", "app", "test").counter().count())
                .isEqualTo(2);
        // the cache's own gets are the operations', not the near cache's
        assertThat(registry.get("cache.gets").tags("cache", "near", "result", "hit").counter().count()).isZero();
    }

    /** An invalidation that carries its lag (a write through this cache) is timed; the others are only counted. */
    @Test
    void timesTheInvalidationLagOfTheInvalidationsThatCarryIt() {
        plugin.register("near");
        plugin.onEvent(new CacheEvent("near", CacheEvent.Kind.NEAR_INVALIDATION, "k", null, Duration.ofMillis(3)));
        plugin.onEvent(new CacheEvent("near", CacheEvent.Kind.NEAR_INVALIDATION, "k", null, Duration.ofMillis(1)));
        plugin.onEvent(new CacheEvent("near", CacheEvent.Kind.NEAR_INVALIDATION, "other", null));

        Timer lag = registry.get("cache.near.invalidation.lag").tags("cache", "near", "app", "test").timer();
        assertThat(lag.count()).isEqualTo(2);
        assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4.0);
        assertThat(lag.max(TimeUnit.MILLISECONDS)).isEqualTo(3.0);
        assertThat(registry.get("cache.near.invalidations").tags("cache", "near").counter().count()).isEqualTo(3);
    }

    @Test
    void theTagsOfACacheCanBeChosen() {
        MicrometerPlugin springBootTags = new MicrometerPlugin(registry, Tags.of("cache.manager", "cacheManager"),
                name -> Tags.of("cache", name, "name", name));
        springBootTags.register("orders");

        assertThat(registry.get("cache.gets").tags("cache", "orders", "name", "orders", "cache.manager", "cacheManager",
                "result", "hit").counter().count()).isZero();
    }

    @Test
    void aFailingProducerIsCountedAndTimedWithItsException() {
        ZodiacCache cache = memory(CacheConfig.builder());

        CompletableFuture<Object> call = cache.getOrSet("k", () -> CompletableFuture.failedFuture(new IllegalStateException("boom")));

        assertThatThrownBy(call::join).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(count("cache.producer.runs", "result", "failure")).isEqualTo(1);
        assertThat(timed("produce", "IllegalStateException")).isEqualTo(1);
        assertThat(timed("get_or_set", "IllegalStateException")).isEqualTo(1);
        assertThat(count("cache.gets", "result", "miss")).isZero();
    }

    @Test
    void countsEvictionsOfABoundedMemoryCache() {
        ZodiacCache cache = memory(CacheConfig.builder().maxSize(1));

        for (int i = 0; i < 10; i++) {
            cache.set("k" + i, i).join();
        }

        await().untilAsserted(() -> assertThat(count("cache.evictions")).isGreaterThanOrEqualTo(9));
    }

    @Test
    void aWaiterWhoseProducerOutlivesTheLeaseCountsAWaitAndAnExpiry() {
        ZodiacCache cache = memory(CacheConfig.builder());
        GetOrSetOptions<String> shortLease = GetOrSetOptions.<String>defaults().lease(Duration.ofMillis(50));
        CompletableFuture<String> stuck = new CompletableFuture<>();

        CompletableFuture<String> first = cache.getOrSet("k", () -> stuck, shortLease);
        String second = cache.getOrSet("k", () -> CompletableFuture.completedFuture("second"), shortLease).join();
        stuck.complete("first");

        assertThat(second).isEqualTo("second");
        assertThat(first.join()).isEqualTo("first");
        assertThat(count("cache.lock.lease.expired")).isEqualTo(1);
        assertThat(registry.get("cache.lock.wait").tags("cache", "default").timer().count()).isEqualTo(1);
        assertThatThrownBy(() -> registry.get("cache.operation").tags("operation", "lock_wait").timer())
                .isInstanceOf(MeterNotFoundException.class);
    }

    @Test
    void aDeadBackendCountsFailOpenAndDrivesTheCircuitGauge() {
        ZodiacCache cache = memory(CacheConfig.builder()
                .backend(SwitchableBackend.class.getName())
                .circuitBreaker(2, Duration.ofSeconds(1))); // open long enough for the next call to see it open
        SwitchableBackend backend = (SwitchableBackend) ((DefaultZodiacCache) cache).backend();
        backend.down(true);

        assertThat(cache.getOrSet("k", () -> CompletableFuture.completedFuture("fresh")).join()).isEqualTo("fresh");
        assertThatThrownBy(() -> cache.get("k").join()).isInstanceOf(CompletionException.class);
        assertThatThrownBy(() -> cache.get("k").join()).hasCauseInstanceOf(CacheUnavailableException.class);

        assertThat(count("cache.fail.open")).isEqualTo(1);
        assertThat(count("cache.producer.runs", "result", "success")).isEqualTo(1);
        assertThat(timed("get_or_set", "none")).isEqualTo(1);
        assertThat(timed("get", "UncheckedIOException")).isEqualTo(1);
        assertThat(timed("get", "CacheUnavailableException")).isEqualTo(1);
        assertThat(circuit("open")).isEqualTo(1);
        assertThat(circuit("closed")).isZero();

        backend.down(false);
        await().pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            cache.get("k").exceptionally(error -> null).join();
            assertThat(circuit("closed")).isEqualTo(1);
        });
        assertThat(circuit("open")).isZero();
        assertThat(circuit("half_open")).isZero();
    }
}
