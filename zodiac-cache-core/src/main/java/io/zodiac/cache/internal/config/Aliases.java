package io.zodiac.cache.internal.config;

import io.zodiac.cache.CacheConfig;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The process-wide registry behind {@link CacheConfig#registerAlias} and {@link CacheConfig#alias}. */
public final class Aliases {

    private static final Map<String, CacheConfig> ALIASES = new ConcurrentHashMap<>();

    private Aliases() {
    }

    /** Registers {@code config} under {@code alias}, replacing any previous one. */
    public static void register(String alias, CacheConfig config) {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(config, "config");
        ALIASES.put(alias, config);
    }

    /**
     * The configuration registered under {@code alias}.
     *
     * @throws IllegalArgumentException when no configuration has that alias
     */
    public static CacheConfig get(String alias) {
        CacheConfig config = ALIASES.get(Objects.requireNonNull(alias, "alias"));
        if (config == null) {
            throw new IllegalArgumentException("No cache configuration is registered under the alias '" + alias
                    + "': call CacheConfig.registerAlias first");
        }
        return config;
    }
}
