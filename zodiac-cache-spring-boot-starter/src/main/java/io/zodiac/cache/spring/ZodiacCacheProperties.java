package io.zodiac.cache.spring;

import io.zodiac.cache.CircuitBreakerPolicy;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

/**
 * The {@code zodiac.cache.*} properties: the caches to set up at startup.
 *
 * <pre>
 * zodiac.cache.prefix=shop                                  # default cache: zodiac_cache:shop (default: spring.application.name)
 * zodiac.cache.defaults.operation-timeout=1s               # every cache's, unless it sets its own
 * zodiac.cache.caches.default.default-ttl=5m
 * zodiac.cache.caches.default.max-size=10000
 * zodiac.cache.caches.sessions.uri=redis://127.0.0.1:6379/0
 * zodiac.cache.caches.sessions.serializer=json
 * zodiac.cache.caches.sessions.operation-timeout=500ms
 * zodiac.cache.caches.sessions.max-value-size=4MB
 * zodiac.cache.caches.products.backend=redis
 * zodiac.cache.caches.products.options.endpoint=10.0.0.5
 * zodiac.cache.caches.products.options.port=6379
 * zodiac.cache.caches.products.options[ca_cert]=/etc/ssl/redis-ca.pem   # brackets keep the underscore
 * </pre>
 *
 * <p>Durations without a unit are seconds, as everywhere in zodiac-cache. With no cache listed,
 * the {@code default} cache is set up in memory so that {@code @Cached} works out of the box.
 * A key under {@code zodiac.cache} that names no setting fails the startup, naming the closest settings.
 */
@ConfigurationProperties("zodiac.cache")
public class ZodiacCacheProperties {

    /** Whether to set up zodiac-cache at all. */
    private boolean enabled = true;

    /**
     * Whether the CacheManager bean is the process-wide CacheManager.global() (then only the caches
     * this context set up are shut down with it) or a manager of this context's own.
     */
    private boolean global = true;

    /**
     * The namespace prefix of caches that name none: the default cache's, and {prefix}:{name} for the others
     * (one prefix belongs to one cache); defaults to spring.application.name, else "application".
     */
    private String prefix;

    /** The caches to set up, by name; each takes the settings of zodiac.cache.defaults that it does not set. */
    private Map<String, Cache> caches = new LinkedHashMap<>();

    /**
     * The settings of every cache of zodiac.cache.caches that does not set its own. backend, uri and options go
     * together: a cache that sets one of them takes none of them from here; so do serializer and java-allowlist.
     */
    private final CacheSettings defaults = new CacheSettings();

    /** The Spring cache abstraction bridge. */
    private final SpringCache springCache = new SpringCache();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isGlobal() {
        return global;
    }

    public void setGlobal(boolean global) {
        this.global = global;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public Map<String, Cache> getCaches() {
        return caches;
    }

    public void setCaches(Map<String, Cache> caches) {
        this.caches = caches;
    }

    public SpringCache getSpringCache() {
        return springCache;
    }

    public CacheSettings getDefaults() {
        return defaults;
    }

    /** The settings of one cache: its prefix and the settings it may take from zodiac.cache.defaults. */
    public static class Cache extends CacheSettings {

        /**
         * The namespace prefix: the cache lives under zodiac_cache:{prefix}. Defaults to zodiac.cache.prefix for
         * the default cache and {zodiac.cache.prefix}:{name} for the others.
         */
        private String prefix;

        public String getPrefix() {
            return prefix;
        }

        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }

        /** These settings, each one unset taken from {@code defaults} (backend, uri and options as one, and so on). */
        Cache withDefaults(CacheSettings defaults) {
            Cache merged = new Cache();
            merged.setPrefix(prefix);
            CacheSettings backendFrom = getBackend() != null || getUri() != null || !getOptions().isEmpty() ? this : defaults;
            merged.setBackend(backendFrom.getBackend());
            merged.setUri(backendFrom.getUri());
            merged.setOptions(backendFrom.getOptions());
            CacheSettings serializerFrom = getSerializer() != null || !getJavaAllowlist().isEmpty() ? this : defaults;
            merged.setSerializer(serializerFrom.getSerializer());
            merged.setJavaAllowlist(serializerFrom.getJavaAllowlist());
            merged.setDefaultTtl(either(getDefaultTtl(), defaults.getDefaultTtl()));
            merged.setOperationTimeout(either(getOperationTimeout(), defaults.getOperationTimeout()));
            merged.setMaxSize(either(getMaxSize(), defaults.getMaxSize()));
            merged.setMaxValueSize(either(getMaxValueSize(), defaults.getMaxValueSize()));
            getCircuitBreaker().withDefaults(defaults.getCircuitBreaker(), merged.getCircuitBreaker());
            return merged;
        }
    }

    private static <T> T either(T own, T fallback) {
        return own != null ? own : fallback;
    }

    /** The settings of a cache that zodiac.cache.defaults may give too. Unset settings keep zodiac-cache's defaults. */
    public static class CacheSettings {

        /** The backend: memory (the default), redis, memcached, or a Backend or BackendProvider class name. */
        private String backend;

        /** A URI that chooses the backend and its address, e.g. redis://user:password@host:6379/0; instead of backend. */
        private String uri;

        /**
         * Backend options, e.g. endpoint, port, db, password for redis. Spring drops characters other than
         * letters, digits, '-' and '.' from map keys unless they are in brackets: options[ca_cert]=/etc/ca.pem,
         * options[connect_timeout]=2s (how long connecting may take). {@code options.timeout} is the operation
         * timeout, as everywhere; prefer {@code operation-timeout}, and do not give both.
         */
        private Map<String, String> options = new LinkedHashMap<>();

        /** The TTL of values stored without one (seconds when no unit is given); none when unset. */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration defaultTtl;

        /** The serializer: reference (memory default), json (remote default), string, bytes or java. */
        private String serializer;

        /** Class patterns the java serializer may read, e.g. com.example.model.**; required for serializer=java. */
        private List<String> javaAllowlist = new ArrayList<>();

        /** The time after which a backend operation fails (seconds when no unit is given; 5 s when unset). */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration operationTimeout;

        /** The maximum number of entries of a local backend; unbounded when unset. */
        private Long maxSize;

        /** The largest encoded value a write may store (4MB, 512KB, bytes); the backend's default when unset. */
        private DataSize maxValueSize;

        /** The circuit breaker that keeps a dead backend from adding its timeout to every call. */
        private final CircuitBreaker circuitBreaker = new CircuitBreaker();

        public String getBackend() {
            return backend;
        }

        public void setBackend(String backend) {
            this.backend = backend;
        }

        public String getUri() {
            return uri;
        }

        public void setUri(String uri) {
            this.uri = uri;
        }

        public Map<String, String> getOptions() {
            return options;
        }

        public void setOptions(Map<String, String> options) {
            this.options = options;
        }

        public Duration getDefaultTtl() {
            return defaultTtl;
        }

        public void setDefaultTtl(Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
        }

        public String getSerializer() {
            return serializer;
        }

        public void setSerializer(String serializer) {
            this.serializer = serializer;
        }

        public List<String> getJavaAllowlist() {
            return javaAllowlist;
        }

        public void setJavaAllowlist(List<String> javaAllowlist) {
            this.javaAllowlist = javaAllowlist;
        }

        public Duration getOperationTimeout() {
            return operationTimeout;
        }

        public void setOperationTimeout(Duration operationTimeout) {
            this.operationTimeout = operationTimeout;
        }

        public Long getMaxSize() {
            return maxSize;
        }

        public void setMaxSize(Long maxSize) {
            this.maxSize = maxSize;
        }

        public DataSize getMaxValueSize() {
            return maxValueSize;
        }

        public void setMaxValueSize(DataSize maxValueSize) {
            this.maxValueSize = maxValueSize;
        }

        public CircuitBreaker getCircuitBreaker() {
            return circuitBreaker;
        }
    }

    /**
     * Circuit breaker settings (see {@code CircuitBreakerPolicy}); unset ones keep zodiac-cache's
     * defaults: the last 10 calls, judged from 5 on, opening at 50% failed or 50% slower than half the
     * operation timeout, for 1 s.
     */
    public static class CircuitBreaker {

        /** The number of most recent calls judged (10 when unset). */
        private Integer window;

        /** The calls the window holds before it is judged (5 when unset). */
        private Integer minimumCalls;

        /** The percentage of failed calls that opens the circuit (50 when unset). */
        private Integer failureRate;

        /** The percentage of slow calls that opens the circuit (50 when unset). */
        private Integer slowCallRate;

        /** From this duration on a call is slow (milliseconds when no unit is given); half the operation timeout when unset. */
        @DurationUnit(ChronoUnit.MILLIS)
        private Duration slowCall;

        /** How long an open circuit keeps the backend out before a probe (1 s when unset). */
        @DurationUnit(ChronoUnit.SECONDS)
        private Duration openDuration;

        /** Writes into {@code merged} these settings, each one unset taken from {@code defaults}. */
        void withDefaults(CircuitBreaker defaults, CircuitBreaker merged) {
            merged.setWindow(either(window, defaults.window));
            merged.setMinimumCalls(either(minimumCalls, defaults.minimumCalls));
            merged.setFailureRate(either(failureRate, defaults.failureRate));
            merged.setSlowCallRate(either(slowCallRate, defaults.slowCallRate));
            merged.setSlowCall(either(slowCall, defaults.slowCall));
            merged.setOpenDuration(either(openDuration, defaults.openDuration));
        }

        /** The policy these settings describe. */
        CircuitBreakerPolicy policy() {
            CircuitBreakerPolicy policy = CircuitBreakerPolicy.defaults();
            if (window != null) {
                policy = policy.window(window);
            }
            if (minimumCalls != null) {
                policy = policy.minimumCalls(minimumCalls);
            }
            if (failureRate != null) {
                policy = policy.failureRate(failureRate);
            }
            if (slowCallRate != null) {
                policy = policy.slowCallRate(slowCallRate);
            }
            if (slowCall != null) {
                policy = policy.slowCall(slowCall);
            }
            return openDuration != null ? policy.openFor(openDuration) : policy;
        }

        public Integer getWindow() {
            return window;
        }

        public void setWindow(Integer window) {
            this.window = window;
        }

        public Integer getMinimumCalls() {
            return minimumCalls;
        }

        public void setMinimumCalls(Integer minimumCalls) {
            this.minimumCalls = minimumCalls;
        }

        public Integer getFailureRate() {
            return failureRate;
        }

        public void setFailureRate(Integer failureRate) {
            this.failureRate = failureRate;
        }

        public Integer getSlowCallRate() {
            return slowCallRate;
        }

        public void setSlowCallRate(Integer slowCallRate) {
            this.slowCallRate = slowCallRate;
        }

        public Duration getSlowCall() {
            return slowCall;
        }

        public void setSlowCall(Duration slowCall) {
            this.slowCall = slowCall;
        }

        public Duration getOpenDuration() {
            return openDuration;
        }

        public void setOpenDuration(Duration openDuration) {
            this.openDuration = openDuration;
        }
    }

    /** Settings of the Spring cache abstraction bridge ({@link ZodiacSpringCacheManager}). */
    public static class SpringCache {

        /** Whether @EnableCaching applications get a ZodiacSpringCacheManager when they define no CacheManager. */
        private boolean enabled = true;

        /** Whether Spring caches store null values (Spring's default) or reject them. */
        private boolean allowNullValues = true;

        /**
         * Packages whose classes Spring caches with the json serializer store and read back (a stored value
         * carries its class name), besides the application's packages (those of @SpringBootApplication) and
         * JDK value types. A value of any other class is not stored, and read as a miss.
         */
        private List<String> allowedPackages = new ArrayList<>();

        /** What a backend failure does: fail-open (a miss or a no-op, logged) or rethrow (to Spring's CacheErrorHandler). */
        private OnError onError = OnError.FAIL_OPEN;

        /**
         * Whether cache writes inside a Spring transaction (put, evict and clear of Spring caches, @CacheInvalidate
         * and @CacheUpdate) wait for its commit, and are dropped on rollback.
         */
        private boolean transactionAware = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isAllowNullValues() {
            return allowNullValues;
        }

        public void setAllowNullValues(boolean allowNullValues) {
            this.allowNullValues = allowNullValues;
        }

        public List<String> getAllowedPackages() {
            return allowedPackages;
        }

        public void setAllowedPackages(List<String> allowedPackages) {
            this.allowedPackages = allowedPackages;
        }

        public OnError getOnError() {
            return onError;
        }

        public void setOnError(OnError onError) {
            this.onError = onError;
        }

        public boolean isTransactionAware() {
            return transactionAware;
        }

        public void setTransactionAware(boolean transactionAware) {
            this.transactionAware = transactionAware;
        }
    }
}
