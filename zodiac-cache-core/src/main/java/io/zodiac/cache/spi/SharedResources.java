package io.zodiac.cache.spi;

import io.zodiac.cache.CacheManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resources that the caches of one {@link CacheManager} share, such as a Redis client's event
 * loops. Created on first use, closed in reverse order of creation when the manager shuts down.
 */
public final class SharedResources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedResources.class);

    private final Map<String, AutoCloseable> resources = new LinkedHashMap<>();

    /** No resources yet; a {@link CacheManager} creates one for its caches. */
    public SharedResources() {
    }

    /** The resource registered under {@code name}, created by {@code factory} on first use. */
    public synchronized <T extends AutoCloseable> T computeIfAbsent(String name, Class<T> type, Supplier<T> factory) {
        AutoCloseable existing = resources.get(name);
        if (existing == null) {
            existing = factory.get();
            resources.put(name, existing);
        }
        return type.cast(existing);
    }

    /**
     * Closes every resource, the last created first; failures are logged, not thrown. The
     * {@link CacheManager} that owns these resources calls it when it shuts down.
     */
    @Override
    public synchronized void close() {
        List<Map.Entry<String, AutoCloseable>> entries = new ArrayList<>(resources.entrySet());
        Collections.reverse(entries);
        resources.clear();
        for (Map.Entry<String, AutoCloseable> entry : entries) {
            try {
                entry.getValue().close();
            } catch (Exception e) {
                LOG.warn("Closing shared resource '{}' failed", entry.getKey(), e);
            }
        }
    }
}
