package io.zodiac.cache;

import io.zodiac.cache.serializer.Serializer;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sets up, hands out and shuts down named caches. Usually one per process ({@link #global()});
 * independent instances serve dependency injection and tests.
 *
 * <pre>{@code
 * CacheManager manager = CacheManager.global();
 * manager.setup("myapp");                                   // the "default" cache, in memory
 * manager.setup("myapp", CacheConfig.fromUri("redis://127.0.0.1:6379/0").name("sessions").build());
 * ZodiacCache sessions = manager.getCache("sessions");
 * manager.shutdown("sessions").join();
 * }</pre>
 *
 * <p>Every cache lives under the namespace {@code zodiac_cache:{prefix}}, with {@code %} and
 * {@code :} of the prefix percent-escaped ({@code %25}, {@code %3A}), so that no prefix's key space
 * contains another's ({@code app} and {@code app:sub}). One prefix belongs to one cache of a
 * manager. Setting up a name again with an equal configuration and prefix is a no-op that keeps the
 * registered cache; with other settings it is an error. Thread-safe: concurrent setups of one name
 * create exactly one backend.
 */
public final class CacheManager implements AutoCloseable {

    /** The first part of every cache's namespace. */
    public static final String ZODIAC_CACHE_NAMESPACE = "zodiac_cache";
    /** The name of the cache that {@link #setup(String)} creates and {@link #cache()} returns. */
    public static final String DEFAULT_CACHE_NAME = "default";

    private static final CacheManager GLOBAL = new CacheManager();

    private record Registration(String prefix, CacheConfig config, ZodiacCache cache) {
    }

    private final Map<String, Registration> caches = new ConcurrentHashMap<>();
    private final SharedResources resources = new SharedResources();
    private final Object setupLock = new Object();

    /** An independent manager with no caches. */
    public CacheManager() {
    }

    /** The process-wide manager. */
    public static CacheManager global() {
        return GLOBAL;
    }

    /** Sets up the {@code default} cache in memory under {@code zodiac_cache:{prefix}}. */
    public ZodiacCache setup(String prefix) {
        return setup(prefix, CacheConfig.defaults());
    }

    /**
     * Sets up the cache {@link CacheConfig#name()} under {@code zodiac_cache:{prefix}} and
     * returns it.
     *
     * @throws IllegalArgumentException when the configuration is wrong (the message names the
     *     setting); nothing is registered then
     * @throws IllegalStateException when the name is already set up with other settings, or when
     *     another cache of this manager already uses the prefix
     */
    public ZodiacCache setup(String prefix, CacheConfig config) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("prefix must not be empty");
        }
        Objects.requireNonNull(config, "config");
        String name = config.name();
        Registration existing = caches.get(name);
        if (existing != null) {
            return sameOrFail(existing, prefix, config);
        }
        synchronized (setupLock) {
            existing = caches.get(name);
            if (existing != null) {
                return sameOrFail(existing, prefix, config);
            }
            requirePrefixUnused(name, prefix);
            ZodiacCache cache = create(name, namespace(prefix), config);
            caches.put(name, new Registration(prefix, config, cache));
            return cache;
        }
    }

    private static ZodiacCache sameOrFail(Registration existing, String prefix, CacheConfig config) {
        List<String> diffs = new ArrayList<>();
        if (!existing.prefix().equals(prefix)) {
            diffs.add("namespace (" + namespace(existing.prefix()) + " vs " + namespace(prefix) + ")");
        }
        diffs.addAll(existing.config().differences(config));
        if (diffs.isEmpty()) {
            return existing.cache();
        }
        throw new IllegalStateException("Cache '" + config.name() + "' is already configured with different settings: "
                + String.join(", ", diffs) + ". Call shutdown(\"" + config.name() + "\") first to set it up again.");
    }

    /** One prefix, one cache: two caches on one prefix would share keys on a remote backend. */
    private void requirePrefixUnused(String name, String prefix) {
        caches.forEach((other, registration) -> {
            if (registration.prefix().equals(prefix)) {
                throw new IllegalStateException("Cache '" + name + "' cannot use prefix '" + prefix + "': cache '" + other
                        + "' already uses it, and two caches on one prefix would share their keys. Give each cache "
                        + "its own prefix.");
            }
        });
    }

    /** {@code zodiac_cache:{prefix}}, with {@code %} and {@code :} of the prefix percent-escaped. */
    private static String namespace(String prefix) {
        return ZODIAC_CACHE_NAMESPACE + ":" + prefix.replace("%", "%25").replace(":", "%3A");
    }

    private ZodiacCache create(String name, String namespace, CacheConfig config) {
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
        provider.validate(config);
        Serializer serializer = config.resolveSerializer(provider.defaultSerializer());
        if (serializer.name().equals("reference") && !provider.acceptsReferences()) {
            throw new IllegalArgumentException("serializer 'reference' keeps object references and only works in "
                    + "memory; backend '" + provider.name() + "' needs json, string, bytes or java");
        }
        Events events = new Events(name, config.plugins());
        Backend backend = provider.create(new BackendContext(name, namespace, config, serializer, resources,
                events::eviction));
        return new DefaultZodiacCache(name, namespace, config, serializer, backend, events);
    }

    private static BackendProvider provider(String backend) {
        ClassLoader[] loaders = {Thread.currentThread().getContextClassLoader(), CacheManager.class.getClassLoader()};
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
            type = Class.forName(className, true, CacheManager.class.getClassLoader());
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

    /** The {@code default} cache. */
    public ZodiacCache cache() {
        return getCache(DEFAULT_CACHE_NAME);
    }

    /**
     * The cache set up under {@code name}.
     *
     * @throws IllegalStateException when no cache of that name is set up
     */
    public ZodiacCache getCache(String name) {
        Registration registration = caches.get(Objects.requireNonNull(name, "name"));
        if (registration == null) {
            throw new IllegalStateException("Cache '" + name + "' is not initialized: call CacheManager.setup(prefix, "
                    + "config) with name \"" + name + "\" first");
        }
        return registration.cache();
    }

    /** {@code true} when a cache of that name is set up. */
    public boolean isSetUp(String name) {
        return caches.containsKey(name);
    }

    /** The names of the caches set up. */
    public Set<String> names() {
        return new TreeSet<>(caches.keySet());
    }

    /** Closes and deregisters one cache; the name can then be set up again. Unknown names are a no-op. */
    public CompletableFuture<Void> shutdown(String name) {
        Registration registration;
        synchronized (setupLock) {
            registration = caches.remove(name);
        }
        return registration == null ? CompletableFuture.completedFuture(null) : registration.cache().close();
    }

    /** Closes and deregisters every cache, then the resources they shared. */
    public CompletableFuture<Void> shutdown() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        synchronized (setupLock) {
            for (String name : new ArrayList<>(caches.keySet())) {
                closing.add(shutdown(name));
            }
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .handle((ignored, error) -> {
                    resources.closeAll();
                    if (error != null) {
                        throw error instanceof RuntimeException re ? re : new ZodiacCacheException("shutdown failed", error);
                    }
                    return null;
                });
    }

    /** {@code shutdown().join()}. */
    @Override
    public void close() {
        shutdown().join();
    }
}
