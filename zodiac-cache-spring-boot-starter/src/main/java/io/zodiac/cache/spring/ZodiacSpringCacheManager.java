package io.zodiac.cache.spring;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cache.Cache;

/**
 * Spring's {@link org.springframework.cache.CacheManager} over a zodiac {@link CacheManager}, so
 * that {@code @Cacheable("sessions")} uses the zodiac cache {@code sessions}. It serves the caches
 * that are set up, as {@link ZodiacSpringCache}s, and creates none: an unknown name is
 * {@code null}, which Spring reports as "Cannot find cache named ...". A cache shut down and set
 * up again is picked up at the next call.
 */
public final class ZodiacSpringCacheManager implements org.springframework.cache.CacheManager {

    private final CacheManager manager;
    private final boolean allowNullValues;
    private final ConcurrentHashMap<String, ZodiacSpringCache> caches = new ConcurrentHashMap<>();

    /**
     * A Spring cache manager over {@code manager}.
     *
     * @param manager the zodiac cache manager
     * @param allowNullValues whether the Spring caches store null values
     */
    public ZodiacSpringCacheManager(CacheManager manager, boolean allowNullValues) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.allowNullValues = allowNullValues;
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
        ZodiacSpringCache created = new ZodiacSpringCache(cache, allowNullValues);
        caches.put(name, created);
        return created;
    }

    @Override
    public Collection<String> getCacheNames() {
        return manager.names();
    }
}
