package io.zodiac.cache.spring;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cache.Cache;

/**
 * Spring's {@link org.springframework.cache.CacheManager} over a zodiac {@link CacheManager}, so
 * that {@code @Cacheable("sessions")} uses the zodiac cache {@code sessions}. It serves the caches
 * that are set up, as {@link ZodiacSpringCache}s, and creates none: an unknown name is
 * {@code null}, which Spring reports as "Cannot find cache named ...". A cache shut down and set
 * up again is picked up at the next call.
 *
 * <p>Each Spring cache is the zodiac cache of its name, with its own namespace, and stores its keys
 * there as {@code {name}::{key}}: see {@link ZodiacSpringCache} for the key layout, the types a JSON
 * cache stores, the error policy and transactions.
 */
public final class ZodiacSpringCacheManager implements org.springframework.cache.CacheManager {

    private final CacheManager manager;
    private final boolean allowNullValues;
    private final List<String> allowedPackages;
    private final OnError onError;
    private final boolean transactionAware;
    private final ConcurrentHashMap<String, ZodiacSpringCache> caches = new ConcurrentHashMap<>();

    /**
     * A Spring cache manager over {@code manager}.
     *
     * @param manager the zodiac cache manager
     * @param allowNullValues whether the Spring caches store null values
     */
    public ZodiacSpringCacheManager(CacheManager manager, boolean allowNullValues) {
        this(manager, allowNullValues, List.of(), OnError.FAIL_OPEN, true);
    }

    /**
     * A Spring cache manager over {@code manager}.
     *
     * @param manager the zodiac cache manager
     * @param allowNullValues whether the Spring caches store null values
     * @param allowedPackages the packages whose classes JSON caches store and read back, besides JDK value types
     * @param onError what a backend failure does
     * @param transactionAware whether {@code put}, {@code evict} and {@code clear} in a transaction wait for its commit
     */
    public ZodiacSpringCacheManager(CacheManager manager, boolean allowNullValues, List<String> allowedPackages,
            OnError onError, boolean transactionAware) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.allowNullValues = allowNullValues;
        this.allowedPackages = List.copyOf(allowedPackages);
        this.onError = Objects.requireNonNull(onError, "onError");
        this.transactionAware = transactionAware;
    }

    @Override
    public Cache getCache(String name) {
        if (!manager.isSetUp(name)) {
            caches.remove(name);
            return null;
        }
        ZodiacCache cache;
        try {
            cache = manager.getCache(name);
        } catch (IllegalStateException shutDownMeanwhile) {
            return null;
        }
        ZodiacSpringCache known = caches.get(name);
        if (known != null && known.getNativeCache() == cache) {
            return known;
        }
        ZodiacSpringCache created = new ZodiacSpringCache(cache, allowNullValues, allowedPackages, onError,
                transactionAware);
        caches.put(name, created);
        return created;
    }

    @Override
    public Collection<String> getCacheNames() {
        return manager.names();
    }
}
