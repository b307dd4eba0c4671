package io.zodiac.cache.internal;

import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import io.zodiac.cache.spi.BackendEvents;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands operations and events of one cache to its plugins; a failing plugin is logged, never thrown. */
final class Events {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private final String cache;
    private final CachePlugin[] plugins;

    Events(String cache, List<CachePlugin> plugins) {
        this.cache = cache;
        this.plugins = plugins.toArray(CachePlugin[]::new);
    }

    /** {@code true} when no plugin listens: callers skip timing and event objects. */
    boolean none() {
        return plugins.length == 0;
    }

    void pre(Operation operation, String key) {
        for (CachePlugin plugin : plugins) {
            try {
                plugin.pre(cache, operation, key);
            } catch (RuntimeException e) {
                LOG.warn("Plugin {} failed in pre({}) of cache '{}'", plugin.getClass().getName(), operation, cache, e);
            }
        }
    }

    void post(Operation operation, String key, Object result, boolean hit, long startNanos, Throwable error) {
        if (plugins.length == 0) {
            return;
        }
        OperationEvent event = new OperationEvent(cache, operation, key, result, hit, System.nanoTime() - startNanos, error);
        for (CachePlugin plugin : plugins) {
            try {
                plugin.post(event);
            } catch (RuntimeException e) {
                LOG.warn("Plugin {} failed in post({}) of cache '{}'", plugin.getClass().getName(), operation, cache, e);
            }
        }
    }

    void event(CacheEvent.Kind kind, String key, Throwable error) {
        event(kind, key, error, null);
    }

    void event(CacheEvent.Kind kind, String key, Throwable error, Duration elapsed) {
        if (plugins.length == 0) {
            return;
        }
        CacheEvent event = new CacheEvent(cache, kind, key, error, elapsed);
        for (CachePlugin plugin : plugins) {
            try {
                plugin.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Plugin {} failed in onEvent({}) of cache '{}'", plugin.getClass().getName(), kind, cache, e);
            }
        }
    }

    void eviction(String key) {
        event(CacheEvent.Kind.EVICTION, key, null);
    }

    /** What the backend reports through its context, handed to the plugins. */
    BackendEvents fromBackend() {
        return new BackendEvents() {
            @Override
            public void accept(CacheEvent.Kind kind, String key) {
                event(kind, key, null, null);
            }

            @Override
            public void accept(CacheEvent.Kind kind, String key, Duration elapsed) {
                event(kind, key, null, elapsed);
            }
        };
    }
}
