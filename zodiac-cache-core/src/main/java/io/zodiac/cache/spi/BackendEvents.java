package io.zodiac.cache.spi;

import io.zodiac.cache.plugin.CacheEvent;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Where a backend reports the events it sees besides evictions (near-cache hits, misses and
 * invalidations), with their key or {@code null}; they reach the cache's plugins as
 * {@link CacheEvent}s. Cheap when no plugin listens: nothing is built.
 */
@FunctionalInterface
public interface BackendEvents extends BiConsumer<CacheEvent.Kind, String> {

    /**
     * Reports an event with how long it took ({@link CacheEvent#elapsed()}); by default, without
     * the duration.
     */
    default void accept(CacheEvent.Kind kind, String key, Duration elapsed) {
        accept(kind, key);
    }
}
