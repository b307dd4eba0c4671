package io.zodiac.cache.redis;

import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;

/**
 * What every near-cache test class sets up on its Redis (standalone, Sentinel or Cluster): a cache
 * with a near cache that counts its events, tracking on; another process's view of the same
 * namespace without one; both closed after each test, once the test's server is running again.
 */
abstract class NearCacheTesting {

    protected final CacheManager manager = new CacheManager();
    /** Another process's view: the same namespace, no near cache. */
    protected final CacheManager otherJvm = new CacheManager();
    protected final Events events = new Events();
    protected final ZodiacCache cache;
    protected final ZodiacCache other;
    protected final NearCacheBackend near;

    /**
     * @param prefix the caches' prefix (one per test: no test sees another's keys)
     * @param server a new configuration of the test's Redis, each call
     */
    NearCacheTesting(String prefix, Supplier<CacheConfig.Builder> server, Duration operationTimeout, Duration wait) {
        cache = manager.setup(prefix, server.get().serializer("string").operationTimeout(operationTimeout)
                .nearCache(NearCache.maximumSize(1_000)).plugins(events).build());
        other = otherJvm.setup(prefix, server.get().serializer("string").build());
        near = (NearCacheBackend) ((DefaultZodiacCache) cache).backend();
        await().atMost(wait).until(near::tracking);
    }

    /** Brings back whatever a test stopped, killed or paused. */
    protected abstract void ensureRunning();

    @AfterEach
    final void closeManagers() {
        ensureRunning();
        manager.close();
        otherJvm.close();
    }

    protected String redisKey(String key) {
        return cache.namespace() + ":" + key;
    }

    protected Object read(String key) {
        return cache.get(key).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Counts the near-cache events that plugins see. */
    static final class Events implements CachePlugin {
        final Map<CacheEvent.Kind, AtomicLong> counts = new ConcurrentHashMap<>();
        /** The invalidations that came with a lag, by key. */
        final Map<String, Duration> lags = new ConcurrentHashMap<>();

        @Override
        public void onEvent(CacheEvent event) {
            counts.computeIfAbsent(event.kind(), kind -> new AtomicLong()).incrementAndGet();
            if (event.elapsed() != null) {
                lags.put(event.key(), event.elapsed());
            }
        }

        long count(CacheEvent.Kind kind) {
            AtomicLong count = counts.get(kind);
            return count == null ? 0 : count.get();
        }
    }
}
