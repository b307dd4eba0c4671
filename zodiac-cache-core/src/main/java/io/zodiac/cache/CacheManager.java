package io.zodiac.cache;

import io.zodiac.cache.internal.CacheFactory;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.internal.ManagerAccess;
import io.zodiac.cache.spi.SharedResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    static {
        ManagerAccess.install(CacheManager::registered);
    }

    private record Registration(String prefix, CacheConfig config, DefaultZodiacCache cache) {
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
            DefaultZodiacCache cache = CacheFactory.create(name, namespace(prefix), config, resources);
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
        return registered(name);
    }

    /** The cache set up under {@code name} as the internal type, for {@link ManagerAccess}. */
    private DefaultZodiacCache registered(String name) {
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
                    resources.close();
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
