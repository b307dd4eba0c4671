package io.zodiac.cache.spi;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.internal.config.ConfigSources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One option of a backend: its name, its default and how its raw value is read. A raw value is
 * whatever the configuration was given: a {@link String} (maps, URIs, Spring properties), a
 * {@link Number}, a {@link Boolean} or a {@link Duration} (the builder). Backends declare their
 * options as constants and read them with {@link #from(CacheConfig)}:
 *
 * <pre>{@code
 * static final BackendOption<Integer> PORT = BackendOption.port("port", 6379);
 * static final BackendOption<Boolean> SSL = BackendOption.bool("ssl", false);
 *
 * public Set<String> options() { return BackendOption.names(PORT, SSL); }
 *
 * int port = PORT.from(config);   // 6379 when absent; "option 'port' must be ..., got 'x'" when wrong
 * }</pre>
 *
 * @param <T> the type of the option's value
 */
public final class BackendOption<T> {

    /**
     * How long one attempt to connect to a server may take (10 s), for every backend that
     * connects. Setup does not wait for it: backends connect in the background. Not to be confused with {@code timeout}, which is the cache's
     * {@link CacheConfig#operationTimeout() operation timeout} wherever it appears.
     */
    public static final BackendOption<Duration> CONNECT_TIMEOUT = duration("connect_timeout", Duration.ofSeconds(10));

    private final String name;
    private final T defaultValue;
    private final Function<Object, T> parser;

    private BackendOption(String name, T defaultValue, Function<Object, T> parser) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = defaultValue;
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    /**
     * An option read by {@code parser}. The parser gets the raw value (never {@code null}) and
     * throws an {@link IllegalArgumentException} whose message says what the value must be
     * ({@code "must be a host name"}); {@link #from(CacheConfig)} adds the option's name and the
     * value.
     */
    public static <T> BackendOption<T> of(String name, T defaultValue, Function<Object, T> parser) {
        return new BackendOption<>(name, defaultValue, parser);
    }

    /** A text option, {@code null} when absent. */
    public static BackendOption<String> string(String name) {
        return string(name, null);
    }

    /** A text option: the raw value's {@link Object#toString()}. */
    public static BackendOption<String> string(String name, String defaultValue) {
        return of(name, defaultValue, Object::toString);
    }

    /**
     * An integer option from {@code min} to {@code max}: an {@link Integer}, {@link Long} or
     * {@link Short} in range, or decimal text.
     */
    public static BackendOption<Integer> integer(String name, int defaultValue, int min, int max) {
        if (min > max || defaultValue < min || defaultValue > max) {
            throw new IllegalArgumentException("option '" + name + "': default " + defaultValue + " is not in ["
                    + min + ", " + max + "]");
        }
        return of(name, defaultValue, raw -> {
            long value = integerValue(raw);
            if (value < min || value > max) {
                throw new IllegalArgumentException(max == Integer.MAX_VALUE
                        ? (min == 0 ? "must not be negative" : "must be at least " + min)
                        : "must be between " + min + " and " + max);
            }
            return (int) value;
        });
    }

    /** A TCP port: an integer from 1 to 65535. */
    public static BackendOption<Integer> port(String name, int defaultValue) {
        return integer(name, defaultValue, 1, 65535);
    }

    /** A boolean option: a {@link Boolean}, or the text {@code true} or {@code false} (any case). */
    public static BackendOption<Boolean> bool(String name, boolean defaultValue) {
        return of(name, defaultValue, raw -> {
            if (raw instanceof Boolean b) {
                return b;
            }
            String text = raw.toString().trim();
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw new IllegalArgumentException("must be true or false");
        });
    }

    /**
     * A positive duration: a {@link Duration}, a number of seconds ({@code 0.5}), a number with a
     * unit ({@code 500ms}, {@code 2s}) or ISO-8601 text ({@code PT2S}).
     */
    public static BackendOption<Duration> duration(String name, Duration defaultValue) {
        return of(name, defaultValue, raw -> {
            Duration value;
            try {
                value = ConfigSources.duration(name, raw);
            } catch (IllegalArgumentException e) {
                value = Duration.ZERO;
            }
            if (value.isZero()) {
                throw new IllegalArgumentException("must be a positive duration: seconds (0.5), a number with a unit "
                        + "(500ms, 2s) or ISO-8601 (PT2S)");
            }
            return value;
        });
    }

    /**
     * A list of text entries: a {@link Collection} (each element's text) or comma-separated text.
     * Entries are kept as given, untrimmed and empty ones included, for the backend to check;
     * an empty list when absent.
     */
    public static BackendOption<List<String>> list(String name) {
        return of(name, List.of(), raw -> {
            List<String> entries = new ArrayList<>();
            if (raw instanceof Collection<?> items) {
                items.forEach(item -> entries.add(String.valueOf(item)));
            } else {
                entries.addAll(List.of(raw.toString().split(",", -1)));
            }
            return List.copyOf(entries);
        });
    }

    /** The names of {@code options}, for {@code BackendProvider.options()}. */
    public static Set<String> names(BackendOption<?>... options) {
        Set<String> names = new LinkedHashSet<>();
        for (BackendOption<?> option : options) {
            names.add(option.name());
        }
        return Set.copyOf(names);
    }

    /** The option's name, as given to {@link CacheConfig.Builder#option(String, Object)}. */
    public String name() {
        return name;
    }

    /** The value when the option is absent; {@code null} for an option without a default. */
    public T defaultValue() {
        return defaultValue;
    }

    /** {@code true} when {@code config} gives this option. */
    public boolean isSet(CacheConfig config) {
        return config.option(name) != null;
    }

    /**
     * The option's value in {@code config}, or the default when absent.
     *
     * @throws IllegalArgumentException naming the option and the value when the value is wrong
     */
    public T from(CacheConfig config) {
        Object raw = config.option(name);
        return raw == null ? defaultValue : parse(raw);
    }

    /**
     * Reads a raw value of this option.
     *
     * @throws IllegalArgumentException naming the option and the value when the value is wrong
     */
    public T parse(Object raw) {
        Objects.requireNonNull(raw, name);
        try {
            return parser.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + name + "' " + e.getMessage() + ", got '"
                    + Secrets.redactValue(name, raw) + "'", e);
        }
    }

    private static long integerValue(Object raw) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        try {
            return Long.parseLong(raw.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be an integer");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
