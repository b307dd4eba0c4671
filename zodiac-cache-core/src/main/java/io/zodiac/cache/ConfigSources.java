package io.zodiac.cache;

import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.serializer.Serializer;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds configurations from maps (aiocache's keys) and URIs. */
final class ConfigSources {

    private ConfigSources() {
    }

    static CacheConfig.Builder fromUri(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must not be blank");
        }
        int colon = uri.indexOf("://");
        if (colon <= 0) {
            throw new IllegalArgumentException("uri '" + uri + "' has no scheme: use memory://, redis://, rediss://, "
                    + "redis-sentinel:// or memcached://");
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        CacheConfig.Builder builder = CacheConfig.builder();
        switch (scheme) {
            case "memory" -> builder.backend("memory");
            case "redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-socket" -> builder.backend("redis").option("uri", uri);
            case "memcached" -> builder.backend("memcached").option("uri", uri);
            default -> throw new IllegalArgumentException("uri scheme '" + scheme + "' is unknown: use memory://, "
                    + "redis://, rediss://, redis-sentinel:// or memcached://");
        }
        if (!scheme.equals("memory")) {
            try {
                URI.create(uri);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("uri '" + uri + "' is malformed: " + e.getMessage(), e);
            }
        }
        return builder;
    }

    static CacheConfig.Builder fromMap(Map<String, ?> map) {
        CacheConfig.Builder builder = CacheConfig.builder();
        for (Map.Entry<String, ?> entry : map.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (value == null) {
                continue;
            }
            switch (key) {
                case "cache", "backend" -> builder.backend(backendName(value.toString()));
                case "name" -> builder.name(value.toString());
                case "ttl", "default_ttl", "defaultTtl" -> builder.defaultTtl(duration(key, value));
                case "timeout", "operation_timeout" -> builder.operationTimeout(duration(key, value));
                case "max_size", "maxSize" -> builder.maxSize(longValue(key, value));
                case "serializer" -> serializer(builder, value);
                case "plugins" -> builder.plugins(plugins(value));
                case "namespace" -> {
                    // The namespace is always zodiac_cache:{prefix}; a given one is overridden.
                }
                default -> builder.option(key, value);
            }
        }
        return builder;
    }

    private static String backendName(String cache) {
        return switch (cache) {
            case "aiocache.SimpleMemoryCache", "SimpleMemoryCache", "memory" -> "memory";
            case "aiocache.RedisCache", "RedisCache", "redis" -> "redis";
            case "aiocache.MemcachedCache", "MemcachedCache", "memcached" -> "memcached";
            default -> cache;
        };
    }

    private static void serializer(CacheConfig.Builder builder, Object value) {
        if (value instanceof Serializer serializer) {
            builder.serializer(serializer);
        } else if (value instanceof Map<?, ?> spec && spec.get("class") != null) {
            builder.serializer(spec.get("class").toString());
        } else {
            builder.serializer(value.toString());
        }
    }

    private static List<CachePlugin> plugins(Object value) {
        Collection<?> items = value instanceof Collection<?> c ? c : List.of(value);
        List<CachePlugin> plugins = new ArrayList<>();
        for (Object item : items) {
            if (item instanceof CachePlugin plugin) {
                plugins.add(plugin);
            } else {
                Object className = item instanceof Map<?, ?> spec ? spec.get("class") : item;
                plugins.add(instantiatePlugin(String.valueOf(className)));
            }
        }
        return plugins;
    }

    private static CachePlugin instantiatePlugin(String className) {
        String qualified = className.contains(".") ? className : "io.zodiac.cache.plugin." + className;
        try {
            Class<?> type = Class.forName(qualified, true, Thread.currentThread().getContextClassLoader() != null
                    ? Thread.currentThread().getContextClassLoader() : ConfigSources.class.getClassLoader());
            if (!CachePlugin.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException("plugins: " + qualified + " is not a CachePlugin");
            }
            return (CachePlugin) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("plugins: class " + qualified + " not found", e);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException("plugins: cannot create " + qualified + " with a public no-argument constructor", e);
        }
    }

    static Duration duration(String setting, Object value) {
        Duration duration;
        if (value instanceof Duration d) {
            duration = d;
        } else if (value instanceof Number n) {
            duration = Duration.ofNanos(Math.round(n.doubleValue() * 1_000_000_000d));
        } else {
            String text = value.toString().trim();
            try {
                duration = text.startsWith("P") || text.startsWith("p") || text.startsWith("-P")
                        ? Duration.parse(text)
                        : Duration.ofNanos(Math.round(Double.parseDouble(text) * 1_000_000_000d));
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new IllegalArgumentException(setting + " must be a number of seconds or an ISO-8601 duration, got '"
                        + value + "'", e);
            }
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException(setting + " must not be negative, got " + value);
        }
        return duration;
    }

    private static long longValue(String setting, Object value) {
        try {
            return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(setting + " must be an integer, got '" + value + "'", e);
        }
    }
}
