package io.zodiac.cache.spring;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The health of the caches of a {@link CacheManager}: each one that is not in memory is asked
 * whether the key {@value #HEALTH_KEY} exists under its namespace, all at once, each bounded by the
 * cache's operation timeout; in-memory caches are always up. UP when every one answers, DOWN when
 * one does not; the details name every cache with its backend, namespace, status and, when down,
 * the error. A cache whose circuit breaker is open is down at once, without waiting for its
 * backend. A remote cache whose server was down when the application started is down until the
 * cache connects, which it does in the background: the indicator never holds up the startup.
 */
public final class ZodiacCacheHealthIndicator implements HealthIndicator {

    /** The key probed in every remote cache's namespace; it is only read. */
    public static final String HEALTH_KEY = "zodiac-cache-health";

    /** The backend whose caches live in this JVM and have no health of their own. */
    private static final String IN_MEMORY = "memory";

    private final CacheManager manager;

    /**
     * A health indicator for the caches of {@code manager}.
     *
     * @param manager the zodiac cache manager
     */
    public ZodiacCacheHealthIndicator(CacheManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    @Override
    public Health health() {
        Map<ZodiacCache, CompletableFuture<Boolean>> probes = new LinkedHashMap<>();
        for (String name : manager.names()) {
            ZodiacCache cache;
            try {
                cache = manager.getCache(name);
            } catch (IllegalStateException shutDownMeanwhile) {
                continue;
            }
            probes.put(cache, cache.config().backend().equals(IN_MEMORY)
                    ? CompletableFuture.completedFuture(true) : probe(cache));
        }
        Health.Builder health = Health.up();
        probes.forEach((cache, probe) -> {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("backend", cache.config().backend());
            details.put("namespace", cache.namespace());
            try {
                probe.join();
                details.put("status", "UP");
            } catch (CompletionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                details.put("status", "DOWN");
                details.put("error", cause.getClass().getName() + ": " + cause.getMessage());
                health.down();
            }
            health.withDetail(cache.name(), details);
        });
        return health.build();
    }

    private static CompletableFuture<Boolean> probe(ZodiacCache cache) {
        try {
            return cache.exists(HEALTH_KEY);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
