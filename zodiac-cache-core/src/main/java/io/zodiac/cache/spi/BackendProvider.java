package io.zodiac.cache.spi;

import io.zodiac.cache.CacheConfig;
import java.util.Set;

/**
 * Creates {@link Backend}s of one kind. Providers are found through
 * {@link java.util.ServiceLoader} by {@link #name()} ("memory", "redis", "memcached"), or by
 * class name when {@link CacheConfig.Builder#backend(String)} names the provider class.
 */
public interface BackendProvider {

    /** The name used in {@link CacheConfig.Builder#backend(String)}. */
    String name();

    /**
     * The option names this backend understands; any other option fails {@code setup}. Declare
     * the options as {@link io.zodiac.cache.spi.BackendOption} constants and list them with
     * {@link io.zodiac.cache.spi.BackendOption#names BackendOption.names(...)}.
     */
    Set<String> options();

    /** The serializer used when the configuration names none. */
    default String defaultSerializer() {
        return "json";
    }

    /** {@code true} when the backend can hold object references (the {@code reference} serializer). */
    default boolean acceptsReferences() {
        return false;
    }

    /**
     * The largest encoded value, in bytes, that this backend stores and reads back: a cache's
     * {@code max_value_size} when its configuration gives none. Writes over it fail before the
     * backend with a {@link io.zodiac.cache.ValueTooLargeException}. {@link Long#MAX_VALUE} (no
     * limit) by default.
     */
    default long defaultMaxValueSize() {
        return Long.MAX_VALUE;
    }

    /**
     * {@code true} when the backend keeps a {@linkplain io.zodiac.cache.NearCache near cache}
     * correct: its server tells it when a key changes. A cache whose configuration asks for a near
     * cache on a backend that cannot fails {@code setup}. {@code false} by default.
     */
    default boolean supportsNearCache() {
        return false;
    }

    /**
     * Checks the configuration before anything is created; throws
     * {@link IllegalArgumentException} naming the setting that is wrong.
     */
    default void validate(CacheConfig config) {
    }

    /** Creates the backend of one cache. May connect; failures propagate from {@code setup}. */
    Backend create(BackendContext context);
}
