package io.zodiac.cache.spi;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.serializer.Serializer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a {@link BackendProvider} gets to create the backend of one cache.
 *
 * @param cacheName the cache's name
 * @param namespace the key namespace, {@code zodiac_cache:{prefix}}
 * @param config the cache's configuration (options included)
 * @param serializer the serializer that encodes the values the backend receives
 * @param resources resources shared by every cache of one {@link CacheManager}
 *     (a client, an event loop), closed when the manager shuts down
 * @param evictions told the key of every entry the backend evicts for size
 * @param events told the other events the backend sees (near-cache hits, misses and
 *     invalidations), with their key or {@code null} and, for some, a duration; they reach the
 *     cache's plugins
 */
public record BackendContext(
        String cacheName,
        String namespace,
        CacheConfig config,
        Serializer serializer,
        SharedResources resources,
        Consumer<String> evictions,
        BackendEvents events) {

    public BackendContext {
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(serializer, "serializer");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(evictions, "evictions");
        Objects.requireNonNull(events, "events");
    }

    /** A context whose backend events other than evictions go nowhere. */
    public BackendContext(String cacheName, String namespace, CacheConfig config, Serializer serializer,
            SharedResources resources, Consumer<String> evictions) {
        this(cacheName, namespace, config, serializer, resources, evictions, (kind, key) -> { });
    }
}
