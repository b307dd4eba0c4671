package io.zodiac.cache.internal.config;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.spi.Secrets;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.serializer.Serializer;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads configurations from the outside: maps with aiocache's keys, URIs, and the raw values
 * (numbers, text, {@link Duration}s) that maps, URIs, builder options and Spring properties
 * carry. Every problem is an {@link IllegalArgumentException} naming the setting.
 *
 * <p>The name {@code timeout} means the operation timeout wherever it appears: a map key, a
 * builder option, a URI query parameter.
 */
public final class ConfigSources {

    /** The name that means the operation timeout in maps, options and URI queries, as in aiocache. */
    public static final String TIMEOUT = "timeout";
    /** The name of the maximum value size in maps, options and URI queries. */
    public static final String MAX_VALUE_SIZE = "max_value_size";
    /** The option (map key, URI parameter) that sets the near cache's maximum size. */
    public static final String NEAR_CACHE_SIZE = "near_cache_size";
    /** The option (map key, URI parameter) that sets the near cache's TTL. */
    public static final String NEAR_CACHE_TTL = "near_cache_ttl";

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h|d)");
    private static final Pattern BYTE_SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private ConfigSources() {
    }

    /**
     * A builder from a URI, as {@link CacheConfig#fromUri(String)} describes it. A {@code timeout}
     * query parameter sets the operation timeout, a {@code max_value_size} one the maximum value
     * size; both are taken out of the URI the backend sees.
     */
    public static CacheConfig.Builder fromUri(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must not be blank");
        }
        int colon = uri.indexOf("://");
        if (colon <= 0) {
            throw new IllegalArgumentException("uri '" + Secrets.redactUri(uri) + "' has no scheme: use memory://, "
                    + "redis://, rediss://, redis-sentinel:// or memcached://");
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        CacheConfig.Builder builder = CacheConfig.builder();
        switch (scheme) {
            case "memory" -> builder.backend("memory");
            case "redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-socket" -> builder.backend("redis");
            case "memcached" -> builder.backend("memcached");
            default -> throw new IllegalArgumentException("uri scheme '" + scheme + "' is unknown: use memory://, "
                    + "redis://, rediss://, redis-sentinel:// or memcached://");
        }
        if (scheme.equals("memory")) {
            return builder;
        }
        try {
            new URI(uri);
        } catch (URISyntaxException e) {
            // the exception's own message repeats the URI, password included: neither it nor it as a cause
            throw new IllegalArgumentException("uri '" + Secrets.redactUri(uri) + "' is malformed: " + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
        }
        return builder.option("uri", withoutCacheSettings(uri, builder));
    }

    /**
     * {@code uri} without its {@code timeout} and {@code max_value_size} query parameters, which go
     * to the builder.
     */
    private static String withoutCacheSettings(String uri, CacheConfig.Builder builder) {
        int query = uri.indexOf('?');
        if (query < 0) {
            return uri;
        }
        int fragment = uri.indexOf('#', query);
        String end = fragment < 0 ? "" : uri.substring(fragment);
        List<String> kept = new ArrayList<>();
        for (String parameter : uri.substring(query + 1, fragment < 0 ? uri.length() : fragment).split("&")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).equalsIgnoreCase(TIMEOUT)) {
                builder.operationTimeout(duration("uri parameter 'timeout'", parameter.substring(equals + 1)));
            } else if (equals > 0 && parameter.substring(0, equals).equalsIgnoreCase(MAX_VALUE_SIZE)) {
                builder.maxValueSize(byteSize("uri parameter '" + MAX_VALUE_SIZE + "'", parameter.substring(equals + 1)));
            } else if (equals > 0 && isNearCacheOption(parameter.substring(0, equals).toLowerCase(Locale.ROOT))) {
                builder.option(parameter.substring(0, equals).toLowerCase(Locale.ROOT), parameter.substring(equals + 1));
            } else if (!parameter.isEmpty()) {
                kept.add(parameter);
            }
        }
        return uri.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept)) + end;
    }

    /** {@code true} for {@code near_cache_size} and {@code near_cache_ttl}, which the builder reads. */
    public static boolean isNearCacheOption(String option) {
        return option.equals(NEAR_CACHE_SIZE) || option.equals(NEAR_CACHE_TTL);
    }

    /** A builder from a map with aiocache's keys, as {@link CacheConfig#fromMap(Map)} describes it. */
    public static CacheConfig.Builder fromMap(Map<String, ?> map) {
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
                case "default_ttl", "defaultTtl" -> builder.defaultTtl(duration(key, value));
                case "ttl" -> {
                    // default_ttl wins whatever the map's order, as in the seed
                    if (map.get("default_ttl") == null && map.get("defaultTtl") == null) {
                        builder.defaultTtl(duration(key, value));
                    }
                }
                case TIMEOUT, "operation_timeout" -> builder.operationTimeout(duration(key, value));
                case "max_size", "maxSize" -> builder.maxSize(longValue(key, value));
                case MAX_VALUE_SIZE, "maxValueSize" -> builder.maxValueSize(byteSize(key, value));
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
            builder.serializer(serializerName(spec.get("class").toString()));
        } else {
            builder.serializer(serializerName(value.toString()));
        }
    }

    /** Our serializer for one of aiocache's serializer class names; other names unchanged. */
    static String serializerName(String name) {
        String simple = name.startsWith("aiocache.serializers.") ? name.substring("aiocache.serializers.".length())
                : name.startsWith("aiocache.") ? name.substring("aiocache.".length()) : name;
        return switch (simple) {
            case "JsonSerializer" -> "json";
            case "StringSerializer" -> "string";
            case "NullSerializer" -> "reference";
            case "PickleSerializer" -> throw new IllegalArgumentException("serializer '" + name + "': pickle is Python's native "
                    + "serialization and is not offered, since reading it (like Java's) runs code chosen by whoever wrote the bytes; "
                    + "use json (JsonSerializer), or JavaSerializer.allowing(\"com.example.**\") for Java objects behind a class "
                    + "allowlist");
            default -> name;
        };
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

    /**
     * A non-negative duration from a {@link Duration}, a number of seconds ({@code 0.5}), a number
     * with a unit ({@code 500ms}, {@code 2s}, {@code 1m}; units {@code ns us ms s m h d}) or
     * ISO-8601 text ({@code PT2S}). A number that is not finite, that is positive but under a
     * nanosecond, or that is too large for a {@link Duration} is refused: none of them may quietly
     * mean "no expiry".
     *
     * @throws IllegalArgumentException starting with {@code setting} for anything else
     */
    public static Duration duration(String setting, Object value) {
        Duration duration;
        if (value instanceof Duration d) {
            duration = d;
        } else if (value instanceof Number n) {
            duration = exactDuration(setting, value, decimal(setting, n), ChronoUnit.SECONDS);
        } else {
            String text = value.toString().trim();
            Matcher withUnit = WITH_UNIT.matcher(text.toLowerCase(Locale.ROOT));
            try {
                if (text.startsWith("P") || text.startsWith("p") || text.startsWith("-P")) {
                    duration = Duration.parse(text);
                } else if (withUnit.matches()) {
                    duration = exactDuration(setting, value, new BigDecimal(withUnit.group(1)), unit(withUnit.group(2)));
                } else {
                    duration = exactDuration(setting, value, new BigDecimal(text), ChronoUnit.SECONDS);
                }
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new IllegalArgumentException(setting + " must be a number of seconds, a number with a unit (500ms, "
                        + "2s) or an ISO-8601 duration, got '" + value + "'", e);
            }
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException(setting + " must not be negative, got " + value);
        }
        return duration;
    }

    /**
     * A positive number of bytes from an integral {@link Number}, or text: digits with an optional
     * binary unit ({@code 1048576}, {@code 512k}, {@code 4m}, {@code 1g}; {@code k}, {@code kb} and
     * {@code kib} all mean 1024 bytes).
     *
     * @throws IllegalArgumentException starting with {@code setting} for anything else
     */
    public static long byteSize(String setting, Object value) {
        long bytes;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            bytes = ((Number) value).longValue();
        } else {
            Matcher matcher = BYTE_SIZE.matcher(value.toString().trim().toLowerCase(Locale.ROOT));
            if (!matcher.matches()) {
                throw new IllegalArgumentException(setting + " must be a whole number of bytes, optionally with a unit "
                        + "(1048576, 512k, 4m, 1g), got '" + value + "'");
            }
            String unit = matcher.group(2) == null ? "b" : matcher.group(2);
            int shift = switch (unit.charAt(0)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> 0;
            };
            try {
                long number = Long.parseLong(matcher.group(1));
                if (number > Long.MAX_VALUE >> shift) {
                    throw new NumberFormatException();
                }
                bytes = number << shift;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(setting + " is too large, got '" + value + "'", e);
            }
        }
        if (bytes < 1) {
            throw new IllegalArgumentException(setting + " must be a positive number of bytes, got '" + value + "'");
        }
        return bytes;
    }

    /** {@code amount} of {@code unit}, to the nanosecond. */
    private static Duration exactDuration(String setting, Object value, BigDecimal amount, ChronoUnit unit) {
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(unit.getDuration().toNanos()));
        BigDecimal wholeNanos = nanos.setScale(0, RoundingMode.HALF_UP);
        if (nanos.signum() > 0 && wholeNanos.signum() == 0) {
            throw new IllegalArgumentException(setting + " must be 0 (none) or at least a nanosecond, got " + value);
        }
        BigDecimal[] seconds = wholeNanos.divideAndRemainder(BigDecimal.valueOf(1_000_000_000L));
        try {
            return Duration.ofSeconds(seconds[0].longValueExact(), seconds[1].longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(setting + " is too large for a duration, got " + value, e);
        }
    }

    /** A number as an exact decimal; NaN and infinities are refused. */
    private static BigDecimal decimal(String setting, Number number) {
        if (number instanceof Double || number instanceof Float) {
            double d = number.doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(setting + " must be a finite number, got " + number);
            }
            return BigDecimal.valueOf(d);
        }
        if (number instanceof BigDecimal big) {
            return big;
        }
        return new BigDecimal(number.toString());
    }

    private static ChronoUnit unit(String unit) {
        return switch (unit) {
            case "ns" -> ChronoUnit.NANOS;
            case "us" -> ChronoUnit.MICROS;
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
    }

    /** A whole number: {@code 1.9} is refused, never rounded or cut. */
    public static long longValue(String setting, Object value) {
        try {
            BigDecimal number = value instanceof Number n ? decimal(setting, n) : new BigDecimal(value.toString().trim());
            return number.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(setting + " must be an integer, got '" + value + "'", e);
        }
    }
}
