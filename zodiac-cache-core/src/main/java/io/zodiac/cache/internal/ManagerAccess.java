package io.zodiac.cache.internal;

import io.zodiac.cache.CacheManager;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * The way from a {@link CacheManager} (user API) to its caches as {@link DefaultZodiacCache}s,
 * for the parts of the library that need more than the {@code ZodiacCache} interface offers
 * (the {@code @Cached} machinery's in-memory fast path, tests that reach a backend). The manager
 * installs the lookup when its class initialises, so the user API carries no internal type.
 */
public final class ManagerAccess {

    private static volatile BiFunction<CacheManager, String, DefaultZodiacCache> lookup;

    private ManagerAccess() {
    }

    /**
     * Installs the manager's lookup; called once, by {@code CacheManager}'s static initialiser.
     *
     * @throws IllegalStateException when a lookup is installed already
     */
    public static synchronized void install(BiFunction<CacheManager, String, DefaultZodiacCache> managerLookup) {
        if (lookup != null) {
            throw new IllegalStateException("the CacheManager lookup is installed already");
        }
        lookup = Objects.requireNonNull(managerLookup, "managerLookup");
    }

    /**
     * The cache set up under {@code name} in {@code manager}.
     *
     * @throws IllegalStateException (the manager's {@code not initialized} error) when there is none
     */
    public static DefaultZodiacCache cache(CacheManager manager, String name) {
        // a manager exists, so CacheManager's class is initialised and the lookup installed
        return lookup.apply(Objects.requireNonNull(manager, "manager"), name);
    }
}
