package io.zodiac.cache.spring;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.serializer.JavaSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Sets up the caches of {@code zodiac.cache.caches} when the context starts and shuts them down
 * when it closes. On the global manager it shuts down only the caches it set up: a cache that
 * was already set up (by the application, or by another context of the same JVM) is used as it
 * is and left alone. A manager of the context's own is closed whole.
 */
final class ZodiacCacheSetup implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(ZodiacCacheSetup.class);

    private final CacheManager manager;
    private final boolean global;
    private final List<String> setUp = new ArrayList<>();

    ZodiacCacheSetup(ZodiacCacheProperties properties, String defaultPrefix, List<CachePlugin> plugins,
            List<ZodiacCacheCustomizer> customizers) {
        this.global = properties.isGlobal();
        this.manager = global ? CacheManager.global() : new CacheManager();
        Map<String, ZodiacCacheProperties.Cache> caches = properties.getCaches().isEmpty()
                ? Map.of(CacheManager.DEFAULT_CACHE_NAME, new ZodiacCacheProperties.Cache())
                : properties.getCaches();
        String prefix = properties.getPrefix() != null ? properties.getPrefix() : defaultPrefix;
        try {
            caches.forEach((name, cache) -> setup(name, cache.withDefaults(properties.getDefaults()), prefix, plugins,
                    customizers));
        } catch (RuntimeException e) {
            destroy();
            throw e;
        }
    }

    private void setup(String name, ZodiacCacheProperties.Cache cache, String defaultPrefix, List<CachePlugin> plugins,
            List<ZodiacCacheCustomizer> customizers) {
        boolean existed = manager.isSetUp(name);
        try {
            CacheConfig.Builder config = config(name, cache).plugins(plugins);
            customizers.forEach(customizer -> customizer.customize(name, config));
            manager.setup(prefix(name, cache, defaultPrefix), config.build());
        } catch (RuntimeException e) {
            throw new IllegalStateException("zodiac.cache.caches." + name + ": " + e.getMessage(), e);
        }
        if (!existed) {
            setUp.add(name);
        }
    }

    /**
     * The cache's own prefix; else {@code zodiac.cache.prefix} for the {@code default} cache and
     * {@code {zodiac.cache.prefix}:{name}} for the others, since one prefix belongs to one cache.
     */
    private static String prefix(String name, ZodiacCacheProperties.Cache cache, String defaultPrefix) {
        if (cache.getPrefix() != null) {
            return cache.getPrefix();
        }
        return name.equals(CacheManager.DEFAULT_CACHE_NAME) ? defaultPrefix : defaultPrefix + ":" + name;
    }

    /** The configuration the properties describe, without plugins. */
    private static CacheConfig.Builder config(String name, ZodiacCacheProperties.Cache cache) {
        CacheConfig.Builder config = cache.getUri() != null ? CacheConfig.fromUri(cache.getUri()) : CacheConfig.builder();
        if (cache.getBackend() != null) {
            String fromUri = config.build().backend();
            if (cache.getUri() != null && !cache.getBackend().equals(fromUri)) {
                throw new IllegalArgumentException("backend '" + cache.getBackend() + "' contradicts uri '"
                        + cache.getUri() + "' (backend " + fromUri + "): set one of them");
            }
            config.backend(cache.getBackend());
        }
        if (cache.getOperationTimeout() != null && cache.getOptions().containsKey("timeout")) {
            throw new IllegalArgumentException("operation-timeout and options.timeout are the same setting, the "
                    + "operation timeout: give operation-timeout only (the connect timeout is options[connect_timeout])");
        }
        config.name(name).options(cache.getOptions());
        if (cache.getDefaultTtl() != null) {
            config.defaultTtl(cache.getDefaultTtl());
        }
        if ("java".equals(cache.getSerializer())) {
            config.serializer(JavaSerializer.allowing(cache.getJavaAllowlist().toArray(String[]::new)));
        } else if (!cache.getJavaAllowlist().isEmpty()) {
            throw new IllegalArgumentException("java-allowlist is set but serializer is '" + cache.getSerializer()
                    + "': the allowlist applies to serializer=java only");
        } else if (cache.getSerializer() != null) {
            config.serializer(cache.getSerializer());
        }
        if (cache.getOperationTimeout() != null) {
            config.operationTimeout(cache.getOperationTimeout());
        }
        if (cache.getMaxSize() != null) {
            config.maxSize(cache.getMaxSize());
        }
        if (cache.getMaxValueSize() != null) {
            config.maxValueSize(cache.getMaxValueSize().toBytes());
        }
        return config.circuitBreaker(cache.getCircuitBreaker().policy());
    }

    /** The manager the caches were set up on. */
    CacheManager manager() {
        return manager;
    }

    /** Shuts down the caches this context set up, or the whole manager when it is the context's own. */
    @Override
    public void destroy() {
        if (!global) {
            try {
                manager.close();
            } catch (RuntimeException e) {
                LOG.warn("Shutting down the zodiac cache manager failed", e);
            }
            return;
        }
        for (String name : setUp) {
            try {
                manager.shutdown(name).join();
            } catch (RuntimeException e) {
                LOG.warn("Shutting down zodiac cache '{}' failed", name, e);
            }
        }
        setUp.clear();
    }
}
