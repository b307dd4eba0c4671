package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.testkit.RedisCluster;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;

/** Configurations for the kit's servers and small future helpers shared by the tests. */
final class RedisTesting {

    /** The near cache the contract runs with: room for every key a row writes, a TTL no row outlives. */
    static final NearCache CONTRACT_NEAR_CACHE = NearCache.maximumSize(1_000).ttl(Duration.ofMinutes(5));

    private RedisTesting() {
    }

    /** A redis cache on {@code server}, given by endpoint and port. */
    static CacheConfig.Builder on(RedisServer server) {
        return CacheConfig.builder().backend("redis").option("endpoint", server.host()).option("port", server.port());
    }

    /** A redis cache on {@code cluster}, given by its seeds. */
    static CacheConfig.Builder on(RedisCluster cluster) {
        return CacheConfig.builder().backend("redis").option("cluster", cluster.seeds());
    }

    /**
     * Waits until the connections of the caches, made in the background since setup, are up and
     * their release channels subscribed: what a test that counts connections needs.
     */
    static void awaitConnected(ZodiacCache... caches) {
        for (ZodiacCache cache : caches) {
            RedisBackend backend = (RedisBackend) ((DefaultZodiacCache) cache).backend();
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> backend.connected() && backend.signals().confirmed());
        }
    }

    /** The exception {@code future} fails with (unwrapped), waiting at most 10 s. */
    static Throwable failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException | CompletionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete in 10 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value of {@code future}, waiting at most {@code timeout}. */
    static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the future failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete in " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
