package io.zodiac.cache.internal;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.serializer.Serializer;
import io.zodiac.cache.serializer.Serializers;
import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendContext;
import io.zodiac.cache.spi.BackendProvider;
import io.zodiac.cache.spi.SharedResources;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creates the cache of one configuration: finds the backend's provider, checks the options and
 * the serializer against it, and builds the backend and the cache around it. Nothing is created
 * when a check fails.
 */
public final class CacheFactory {

    private CacheFactory() {
    }

    /**
     * The cache {@code name} under {@code namespace}.
     *
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public static DefaultZodiacCache create(String name, String namespace, CacheConfig config, SharedResources resources) {
        BackendProvider provider = provider(config.backend());
        Set<String> known = provider.options();
        if (known != null) {
            Set<String> unknown = new TreeSet<>(config.options().keySet());
            unknown.removeAll(known);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("Unknown option" + (unknown.size() > 1 ? "s " : " ") + unknown
                        + " for backend '" + provider.name() + "'; it accepts " + new TreeSet<>(known));
            }
        }
        if (config.nearCache() != null && !provider.supportsNearCache()) {
            throw new IllegalArgumentException(nearCacheRefused(provider.name()));
        }
        provider.validate(config);
        Serializer serializer = serializer(config, provider.defaultSerializer());
        if (serializer.name().equals("reference") && !provider.acceptsReferences()) {
            throw new IllegalArgumentException("serializer 'reference' keeps object references and only works in "
                    + "memory; backend '" + provider.name() + "' needs json, string, bytes or java");
        }
        if (config.maxValueSize() != null && serializer.name().equals("reference")) {
            throw new IllegalArgumentException("max_value_size limits encoded values, and serializer 'reference' keeps "
                    + "object references, which have no size: use json, string, bytes or java with max_value_size");
        }
        long maxValueSize = config.maxValueSize() != null ? config.maxValueSize() : provider.defaultMaxValueSize();
        Events events = new Events(name, config.plugins());
        Backend backend = provider.create(new BackendContext(name, namespace, config, serializer, resources,
                events::eviction, events.fromBackend()));
        Duration longest = backend.maxTtl();
        if (config.defaultTtl() != null && config.defaultTtl().compareTo(longest) > 0) {
            backend.close();
            throw new IllegalArgumentException(BackendCalls.tooLong("defaultTtl", config.defaultTtl(), provider.name(), longest));
        }
        return new DefaultZodiacCache(name, namespace, config, serializer, backend, events, maxValueSize);
    }

    private static String nearCacheRefused(String backend) {
        if (backend.equals("memory")) {
            return "nearCache (near_cache_size): backend 'memory' is already in local memory; a near cache is for a "
                    + "remote cache (redis)";
        }
        return "nearCache (near_cache_size): backend '" + backend + "' cannot keep a near cache correct: its server "
                + "does not tell clients when a key changes (no server-side invalidation), so local copies would go "
                + "stale; a near cache needs Redis (CLIENT TRACKING)";
    }

    /** The configured serializer: the instance given, else the one named, else the backend's default. */
    private static Serializer serializer(CacheConfig config, String defaultName) {
        if (config.serializer() != null) {
            return config.serializer();
        }
        return Serializers.byName(config.serializerName() != null ? config.serializerName() : defaultName);
    }

    private static BackendProvider provider(String backend) {
        ClassLoader[] loaders = {Thread.currentThread().getContextClassLoader(), CacheFactory.class.getClassLoader()};
        List<String> names = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            for (BackendProvider provider : ServiceLoader.load(BackendProvider.class, loader)) {
                if (provider.name().equals(backend) || provider.getClass().getName().equals(backend)) {
                    return provider;
                }
                names.add(provider.name());
            }
        }
        if (backend.contains(".")) {
            return providerByClass(backend);
        }
        throw new IllegalArgumentException("backend '" + backend + "' is unknown: available are " + new TreeSet<>(names)
                + (backend.equals("redis") || backend.equals("memcached")
                        ? "; add the zodiac-cache-" + backend + " module to the classpath" : ""));
    }

    private static BackendProvider providerByClass(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, CacheFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("backend '" + className + "' is unknown: no such class", e);
        }
        try {
            if (BackendProvider.class.isAssignableFrom(type)) {
                return (BackendProvider) type.getDeclaredConstructor().newInstance();
            }
            if (Backend.class.isAssignableFrom(type)) {
                Constructor<?> constructor = type.getDeclaredConstructor(BackendContext.class);
                return new ClassBackendProvider(className, constructor);
            }
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("backend '" + className + "' cannot be created: a BackendProvider needs a "
                    + "public no-argument constructor, a Backend a public constructor taking a BackendContext", e);
        }
        throw new IllegalArgumentException("backend '" + className + "' is neither a Backend nor a BackendProvider");
    }

    /** A provider for a {@link Backend} class named in the configuration; it accepts any option. */
    private record ClassBackendProvider(String name, Constructor<?> constructor) implements BackendProvider {

        @Override
        public Set<String> options() {
            return null;
        }

        @Override
        public boolean acceptsReferences() {
            return true;
        }

        @Override
        public Backend create(BackendContext context) {
            try {
                return (Backend) constructor.newInstance(context);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException re ? re
                        : new IllegalArgumentException("backend '" + name + "' failed to start", e.getCause());
            } catch (InstantiationException | IllegalAccessException e) {
                throw new IllegalArgumentException("backend '" + name + "' cannot be created", e);
            }
        }
    }
}
