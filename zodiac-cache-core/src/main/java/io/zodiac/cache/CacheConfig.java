package io.zodiac.cache;

import io.zodiac.cache.internal.config.Aliases;
import io.zodiac.cache.internal.config.ConfigSources;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.serializer.JavaSerializer;
import io.zodiac.cache.serializer.Serializer;
import io.zodiac.cache.serializer.Serializers;
import io.zodiac.cache.spi.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The settings of one named cache: immutable, compared by value, built with {@link #builder()},
 * {@link #fromMap(Map)} or {@link #fromUri(String)}.
 *
 * <pre>{@code
 * CacheConfig config = CacheConfig.builder()
 *         .name("sessions")
 *         .backend("redis")
 *         .option("endpoint", "127.0.0.1").option("port", 6379)
 *         .serializer("json")
 *         .defaultTtl(Duration.ofMinutes(5))
 *         .build();
 * }</pre>
 *
 * <p>Settings common to every backend are fields; the rest are backend options, checked by the
 * backend when the cache is set up (an option the backend does not know fails {@code setup}).
 * Plugins are compared by class, serializers by name and class (and a
 * {@link JavaSerializer} by its allowlist).
 *
 * <p>{@code timeout} means the {@link #operationTimeout() operation timeout} wherever it is given:
 * a map key, a builder option, a URI query parameter. The time a backend may take to connect is
 * the option {@code connect_timeout}.
 */
public final class CacheConfig {

    /** The operation timeout used when none is given. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(5);

    private final String name;
    private final String backend;
    private final Map<String, Object> options;
    private final String serializerName;
    private final Serializer serializer;
    private final List<CachePlugin> plugins;
    private final Duration defaultTtl;
    private final Duration operationTimeout;
    private final Long maxSize;
    private final CircuitBreakerPolicy breaker;
    private final Long maxValueSize;
    private final NearCache nearCache;

    private CacheConfig(Builder b, NearCache nearCache) {
        this.name = b.name;
        this.backend = b.backend;
        this.options = Collections.unmodifiableMap(new TreeMap<>(b.options));
        this.serializerName = b.serializerName;
        this.serializer = b.serializer;
        this.plugins = List.copyOf(b.plugins);
        this.defaultTtl = b.defaultTtl;
        this.operationTimeout = b.operationTimeout;
        this.maxSize = b.maxSize;
        this.breaker = b.breaker;
        this.maxValueSize = b.maxValueSize;
        this.nearCache = nearCache;
    }

    /** A builder with the defaults: name {@code default}, the in-memory backend, no TTL. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: the in-memory backend under the name {@code default}. */
    public static CacheConfig defaults() {
        return builder().build();
    }

    /**
     * A builder from a URI: {@code memory://}, {@code redis://[user:password@]host:port[/db]},
     * {@code rediss://...} (TLS), {@code redis-sentinel://host:port[,host:port]/db#master},
     * {@code memcached://host:port[,host:port]}. The backend is chosen by the scheme and the URI
     * is passed to it as the option {@code uri}; a {@code timeout} query parameter sets the
     * operation timeout ({@code redis://h:6379/0?timeout=500ms}), a {@code max_value_size} one the
     * {@link Builder#maxValueSize(long) maximum value size} ({@code ?max_value_size=4m}).
     */
    public static Builder fromUri(String uri) {
        return ConfigSources.fromUri(uri);
    }

    /**
     * A configuration from a map with aiocache-style keys: {@code cache} (the backend:
     * {@code memory}, {@code redis}, {@code memcached}, or aiocache's class names),
     * {@code name}, {@code endpoint}, {@code port}, {@code db}, {@code password},
     * {@code username}, {@code ttl} or {@code default_ttl} (seconds), {@code serializer} (a name
     * or an instance), {@code plugins} (instances or class names), {@code timeout} (seconds),
     * {@code max_size}, {@code max_value_size} (bytes: {@code 1048576}, {@code 512k}, {@code 4m}).
     * Any other key is passed to the backend as an option.
     */
    public static CacheConfig fromMap(Map<String, ?> map) {
        return ConfigSources.fromMap(map).build();
    }

    /** Registers a configuration under an alias, replacing any previous one. */
    public static void registerAlias(String alias, CacheConfig config) {
        Aliases.register(alias, config);
    }

    /**
     * The configuration registered under {@code alias}.
     *
     * @throws IllegalArgumentException when no configuration has that alias
     */
    public static CacheConfig alias(String alias) {
        return Aliases.get(alias);
    }

    /** A builder holding every setting of this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.backend = backend;
        b.options.putAll(options);
        b.serializerName = serializerName;
        b.serializer = serializer;
        b.plugins.addAll(plugins);
        b.defaultTtl = defaultTtl;
        b.operationTimeout = operationTimeout;
        b.maxSize = maxSize;
        b.breaker = breaker;
        b.maxValueSize = maxValueSize;
        if (nearCache != null) {
            b.nearSize = nearCache.maximumSize();
            b.nearTtl = nearCache.ttl();
        }
        return b;
    }

    /** The cache's name. */
    public String name() {
        return name;
    }

    /** The backend: {@code memory}, {@code redis}, {@code memcached} or a class name. */
    public String backend() {
        return backend;
    }

    /** The backend options, sorted by name. */
    public Map<String, Object> options() {
        return options;
    }

    /**
     * The option's raw value as given, or {@code null}. Backends read their options typed, with
     * {@link io.zodiac.cache.spi.BackendOption#from(CacheConfig)}.
     */
    public Object option(String option) {
        return options.get(option);
    }

    /** The serializer's name, or {@code null} when none was given (the backend's default applies). */
    public String serializerName() {
        return serializer != null ? serializer.name() : serializerName;
    }

    /** The serializer instance given, or {@code null} when a name (or nothing) was given. */
    public Serializer serializer() {
        return serializer;
    }

    /** The plugins, in the order they run. */
    public List<CachePlugin> plugins() {
        return plugins;
    }

    /** The TTL of values stored without one, or {@code null} for no expiry. */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    /** The time after which a backend operation fails with {@link CacheTimeoutException}. */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** The maximum number of entries of a local backend, or {@code null} for no bound. */
    public Long maxSize() {
        return maxSize;
    }

    /**
     * The largest encoded value a write may store, in bytes, or {@code null} for the backend's
     * default ({@link io.zodiac.cache.spi.BackendProvider#defaultMaxValueSize()}).
     */
    public Long maxValueSize() {
        return maxValueSize;
    }

    /** The near cache in front of the backend, or {@code null} for none. */
    public NearCache nearCache() {
        return nearCache;
    }

    /** When the cache stops calling a failing or slow backend, and for how long. */
    public CircuitBreakerPolicy circuitBreaker() {
        return breaker;
    }

    /**
     * Human-readable differences with {@code other}, one per setting, for the message of a
     * conflicting {@code setup}: {@code "defaultTtl (PT5M vs PT10M)"}. Empty exactly when the two
     * are {@link #equals equal}.
     */
    List<String> differences(CacheConfig other) {
        List<String> diffs = new ArrayList<>();
        diff(diffs, "name", name, other.name);
        diff(diffs, "backend", backend, other.backend);
        if (!options.equals(other.options)) {
            diffs.add("options (" + Secrets.redactOptions(options) + " vs " + Secrets.redactOptions(other.options) + ")");
        }
        if (!Objects.equals(serializerName, other.serializerName) || !sameSerializer(serializer, other.serializer)) {
            diffs.add("serializer (" + describe(serializer, serializerName) + " vs "
                    + describe(other.serializer, other.serializerName) + ")");
        }
        if (!samePlugins(plugins, other.plugins)) {
            diffs.add("plugins (" + pluginClasses() + " vs " + other.pluginClasses() + ")");
        }
        diff(diffs, "defaultTtl", defaultTtl, other.defaultTtl);
        diff(diffs, "operationTimeout", operationTimeout, other.operationTimeout);
        diff(diffs, "maxSize", maxSize, other.maxSize);
        diff(diffs, "circuitBreaker", breaker, other.breaker);
        diff(diffs, "maxValueSize", maxValueSize, other.maxValueSize);
        diff(diffs, "nearCache", nearCache, other.nearCache);
        return diffs;
    }

    private static void diff(List<String> diffs, String setting, Object mine, Object theirs) {
        if (!Objects.equals(mine, theirs)) {
            diffs.add(setting + " (" + mine + " vs " + theirs + ")");
        }
    }

    private static boolean sameSerializer(Serializer a, Serializer b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.getClass() == b.getClass() && a.name().equals(b.name())
                && (!(a instanceof JavaSerializer) || a.equals(b));
    }

    private static int serializerHash(Serializer serializer) {
        if (serializer == null) {
            return 0;
        }
        int hash = 31 * serializer.getClass().hashCode() + serializer.name().hashCode();
        return serializer instanceof JavaSerializer java ? 31 * hash + java.allowlist().hashCode() : hash;
    }

    private static String describe(Serializer serializer, String name) {
        if (serializer == null) {
            return name;
        }
        String text = serializer.name() + "/" + serializer.getClass().getName();
        return serializer instanceof JavaSerializer java ? text + java.toString().substring(java.name().length()) : text;
    }

    /** The same plugin objects (or equal ones, for a plugin class that defines equals): another instance sees other events. */
    private static boolean samePlugins(List<CachePlugin> a, List<CachePlugin> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static int pluginsHash(List<CachePlugin> plugins) {
        int hash = 1;
        for (CachePlugin plugin : plugins) {
            hash = 31 * hash + plugin.getClass().hashCode();
        }
        return hash;
    }

    private List<String> pluginClasses() {
        List<String> classes = new ArrayList<>(plugins.size());
        for (CachePlugin plugin : plugins) {
            classes.add(plugin.getClass().getName());
        }
        return classes;
    }

    /** Equal when every setting is: plugins by instance, serializers by name and class, options by value. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof CacheConfig other
                && name.equals(other.name)
                && backend.equals(other.backend)
                && Objects.equals(serializerName, other.serializerName)
                && sameSerializer(serializer, other.serializer)
                && Objects.equals(defaultTtl, other.defaultTtl)
                && operationTimeout.equals(other.operationTimeout)
                && Objects.equals(maxSize, other.maxSize)
                && breaker.equals(other.breaker)
                && Objects.equals(maxValueSize, other.maxValueSize)
                && Objects.equals(nearCache, other.nearCache)
                && options.equals(other.options)
                && samePlugins(plugins, other.plugins);
    }

    @Override
    public int hashCode() {
        int hash = Objects.hash(name, backend, options, serializerName, defaultTtl, operationTimeout, maxSize,
                maxValueSize, breaker, nearCache);
        hash = 31 * hash + serializerHash(serializer);
        return 31 * hash + pluginsHash(plugins);
    }

    /** Every setting, with passwords and the user information of URIs masked. */
    @Override
    public String toString() {
        return "CacheConfig{name=" + name + ", backend=" + backend + ", options=" + Secrets.redactOptions(options)
                + ", serializer=" + serializerName() + ", plugins=" + pluginClasses() + ", defaultTtl=" + defaultTtl
                + ", operationTimeout=" + operationTimeout + ", maxSize=" + maxSize
                + (maxValueSize == null ? "" : ", maxValueSize=" + maxValueSize)
                + (nearCache == null ? "" : ", nearCache=" + nearCache) + "}";
    }

    /** Builds a {@link CacheConfig}. Each setter checks its argument and names it when it is wrong. */
    public static final class Builder {

        private String name = CacheManager.DEFAULT_CACHE_NAME;
        private String backend = "memory";
        private final Map<String, Object> options = new TreeMap<>();
        private String serializerName;
        private Serializer serializer;
        private final List<CachePlugin> plugins = new ArrayList<>();
        private Duration defaultTtl;
        private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
        private Long maxSize;
        private CircuitBreakerPolicy breaker = CircuitBreakerPolicy.defaults();
        private Long maxValueSize;
        private Long nearSize;
        private Duration nearTtl;

        private Builder() {
        }

        /** The cache's name, {@code default} unless set. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /** The backend: {@code memory} (default), {@code redis}, {@code memcached}, or a class name. */
        public Builder backend(String backend) {
            if (backend == null || backend.isBlank()) {
                throw new IllegalArgumentException("backend must not be blank");
            }
            this.backend = backend;
            return this;
        }

        /**
         * Sets a backend option ({@code endpoint}, {@code port}, ...); a null value removes it.
         * {@code timeout} is not a backend option: it sets the {@link #operationTimeout(Duration)
         * operation timeout} (a {@link Duration}, seconds, {@code 500ms} or {@code PT0.5S}; null
         * restores the default), as it does in {@link CacheConfig#fromMap(Map) maps} and URIs.
         * Nor is {@code max_value_size}: it sets the {@link #maxValueSize(long) maximum value size}
         * (bytes, {@code 512k}, {@code 4m}; null restores the backend's default).
         */
        public Builder option(String option, Object value) {
            Objects.requireNonNull(option, "option");
            if (option.equals(ConfigSources.TIMEOUT)) {
                return operationTimeout(value == null ? DEFAULT_OPERATION_TIMEOUT
                        : ConfigSources.duration("timeout (the operation timeout)", value));
            }
            if (option.equals(ConfigSources.MAX_VALUE_SIZE)) {
                maxValueSize = value == null ? null : ConfigSources.byteSize(ConfigSources.MAX_VALUE_SIZE, value);
                return this;
            }
            if (option.equals(ConfigSources.NEAR_CACHE_SIZE)) {
                nearSize = value == null ? null : ConfigSources.longValue(ConfigSources.NEAR_CACHE_SIZE, value);
                if (nearSize != null) {
                    NearCache.maximumSize(nearSize); // checks it
                }
                return this;
            }
            if (option.equals(ConfigSources.NEAR_CACHE_TTL)) {
                nearTtl = value == null ? null : ConfigSources.duration(ConfigSources.NEAR_CACHE_TTL, value);
                if (nearTtl != null) {
                    NearCache.maximumSize(1).ttl(nearTtl); // checks it
                }
                return this;
            }
            if (option.equals("namespace")) {
                return this; // the namespace is always zodiac_cache:{prefix}: a given one is accepted and overridden, as in the seed
            }
            if (value == null) {
                options.remove(option);
            } else {
                options.put(option, value);
            }
            return this;
        }

        /** Sets several backend options. */
        public Builder options(Map<String, ?> values) {
            values.forEach(this::option);
            return this;
        }

        /** The serializer by name: {@code reference}, {@code json}, {@code string}, {@code bytes}. */
        public Builder serializer(String serializer) {
            Serializers.byName(serializer);
            this.serializerName = serializer;
            this.serializer = null;
            return this;
        }

        /** A serializer instance (a {@link io.zodiac.cache.serializer.JavaSerializer}, a custom one). */
        public Builder serializer(Serializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            this.serializerName = null;
            return this;
        }

        /** The plugins, replacing any set before. */
        public Builder plugins(CachePlugin... plugins) {
            return plugins(List.of(plugins));
        }

        /** The plugins, replacing any set before. */
        public Builder plugins(List<? extends CachePlugin> plugins) {
            this.plugins.clear();
            for (CachePlugin plugin : plugins) {
                this.plugins.add(Objects.requireNonNull(plugin, "plugin"));
            }
            return this;
        }

        /** The TTL of values stored without one; {@code null} or zero for no expiry. */
        public Builder defaultTtl(Duration ttl) {
            if (ttl != null && ttl.isNegative()) {
                throw new IllegalArgumentException("defaultTtl must not be negative, got " + ttl);
            }
            this.defaultTtl = ttl == null || ttl.isZero() ? null : ttl;
            return this;
        }

        /** Bounds every backend operation (default 5 s). */
        public Builder operationTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("operationTimeout must be positive, got " + timeout);
            }
            this.operationTimeout = timeout;
            return this;
        }

        /** Bounds the number of entries of a local backend; the least valuable are evicted. */
        public Builder maxSize(long maxSize) {
            if (maxSize < 0) {
                throw new IllegalArgumentException("maxSize must not be negative, got " + maxSize);
            }
            this.maxSize = maxSize;
            return this;
        }

        /**
         * The largest value a write may store, in bytes of its encoded form (what the serializer
         * produces): a {@code set}, {@code add} or {@code multiSet} over it fails with a
         * {@link ValueTooLargeException} before reaching the backend, and {@code getOrSet} returns
         * such a value without storing it. Every value a write accepts is read back. Unset, the
         * backend's default applies: none in memory, 16 MiB on Redis, memcached's item size limit
         * (1 MiB) less its item overhead on Memcached. Not with the {@code reference} serializer,
         * whose values have no encoded size. Option {@code max_value_size} in maps and URIs.
         *
         * @throws IllegalArgumentException when {@code bytes} is not positive
         */
        public Builder maxValueSize(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max_value_size must be a positive number of bytes, got " + bytes);
            }
            this.maxValueSize = bytes;
            return this;
        }

        /** When the cache stops calling a failing or slow backend ({@link CircuitBreakerPolicy#defaults()} unless set). */
        public Builder circuitBreaker(CircuitBreakerPolicy policy) {
            this.breaker = Objects.requireNonNull(policy, "circuitBreaker");
            return this;
        }

        /**
         * The default circuit breaker, judged from {@code minimumCalls} calls on (so a dead backend
         * is cut off after that many failures) and open for {@code openFor}: a shorthand for
         * {@code circuitBreaker(CircuitBreakerPolicy.defaults().window(...).minimumCalls(minimumCalls).openFor(openFor))}.
         */
        public Builder circuitBreaker(int minimumCalls, Duration openFor) {
            CircuitBreakerPolicy defaults = CircuitBreakerPolicy.defaults();
            return circuitBreaker(defaults.window(Math.max(defaults.window(), minimumCalls)).minimumCalls(minimumCalls)
                    .openFor(openFor));
        }

        /**
         * A near cache in front of the backend ({@code null}: none): a bounded local copy of the
         * values read, which the server invalidates when they change. Options
         * {@code near_cache_size} and {@code near_cache_ttl} in maps and URIs. Redis only: other
         * backends refuse it at setup.
         */
        public Builder nearCache(NearCache nearCache) {
            nearSize = nearCache == null ? null : nearCache.maximumSize();
            nearTtl = nearCache == null ? null : nearCache.ttl();
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException when {@code near_cache_ttl} is given without {@code near_cache_size}
         */
        public CacheConfig build() {
            if (nearSize == null && nearTtl != null) {
                throw new IllegalArgumentException("near_cache_ttl needs near_cache_size (the near cache's maximum "
                        + "number of entries)");
            }
            return new CacheConfig(this, nearSize == null ? null : NearCache.maximumSize(nearSize).ttl(nearTtl));
        }
    }
}
