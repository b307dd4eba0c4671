package io.zodiac.cache.cli;

import io.zodiac.cache.Cached;

/**
 * The demo's slow source as an application declares it for {@code demo --cached-proxy}: an
 * interface whose reads {@link Cached @Cached} caches, through {@code CachedProxy.of}.
 */
interface Catalog {

    /** The value of key index {@code index}; cached for ten minutes, like the getOrSet demo's values. */
    @Cached(ttl = 600)
    String find(int index);
}
