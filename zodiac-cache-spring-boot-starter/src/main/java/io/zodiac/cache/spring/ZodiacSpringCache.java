package io.zodiac.cache.spring;

import io.zodiac.cache.ZodiacCache;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A zodiac cache seen through Spring's {@link org.springframework.cache.Cache}, for
 * {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict}.
 *
 * <p><b>Loading.</b> {@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) and
 * {@link #retrieve(Object, Supplier)} (methods returning {@code CompletableFuture}) are
 * {@link ZodiacCache#getOrSet getOrSet}: one caller per key runs the method, in this JVM and, on
 * a shared backend, across JVMs; a backend failure falls back to running the method.
 *
 * <p><b>Nulls.</b> With {@code allowNullValues} (Spring's default) a null is stored as the
 * cache's own null, which every serializer can encode, and read back as a cached null; without
 * it, storing a null fails with {@link IllegalArgumentException} as in every Spring cache.
 *
 * <p><b>Keys.</b> A {@code String} key is used as it is, so keys built with SpEL
 * ({@code key = "'user:' + #id"}) stay readable in the backend. Any other key is turned into its
 * {@code toString()}, as Spring Data Redis does; a key class that does not override
 * {@code toString()} (so that it would print its identity) is rejected. Spring's
 * {@link org.springframework.cache.interceptor.SimpleKey} (the key of methods with zero or several
 * parameters) prints its parameters, so its key is the same in every JVM when theirs are (strings,
 * numbers, enums, records of them). Keys that differ only by type, such as {@code 1} and
 * {@code "1"}, share an entry: give such methods different caches or an explicit key.
 *
 * <p><b>Types.</b> Spring reads untyped. With {@code json}, a cached object reads back as a
 * {@code Map}; cache Spring results in a remote cache with the {@code java} serializer (and an
 * allowlist), or with a {@link io.zodiac.cache.serializer.JsonSerializer} whose mapper records
 * types. In memory the default {@code reference} serializer keeps the objects themselves.
 */
public final class ZodiacSpringCache extends AbstractValueAdaptingCache {

    /** Whether a class overrides {@code Object.toString()}. */
    private static final ClassValue<Boolean> PRINTS_ITSELF = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("toString").getDeclaringClass() != Object.class;
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    /** What a read yields for an absent key; never stored. */
    private static final Object ABSENT = new Object();

    private final ZodiacCache cache;

    /**
     * A Spring cache over {@code cache}.
     *
     * @param cache the zodiac cache
     * @param allowNullValues whether null values are stored
     */
    public ZodiacSpringCache(ZodiacCache cache, boolean allowNullValues) {
        super(allowNullValues);
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    @Override
    public String getName() {
        return cache.name();
    }

    /** The {@link ZodiacCache}. */
    @Override
    public ZodiacCache getNativeCache() {
        return cache;
    }

    @Override
    protected Object lookup(Object key) {
        return toLookupValue(cache.blocking().getOrDefault(key(key), ABSENT));
    }

    /** Spring's stored form: {@code null} when absent, {@link NullValue} for a cached null. */
    private Object toLookupValue(Object value) {
        if (value == ABSENT || (value == null && !isAllowNullValues())) {
            return null;
        }
        return value == null ? NullValue.INSTANCE : value;
    }

    @Override
    public <T> T get(Object key, Callable<T> valueLoader) {
        return cache.blocking().getOrSet(key(key), () -> checked(key, load(key, valueLoader)));
    }

    private static <T> T load(Object key, Callable<T> valueLoader) {
        try {
            return valueLoader.call();
        } catch (Exception e) {
            throw new ValueRetrievalException(key, valueLoader, e);
        }
    }

    @Override
    public CompletableFuture<?> retrieve(Object key) {
        return cache.getOrDefault(key(key), ABSENT).thenApply(value -> {
            Object stored = toLookupValue(value);
            if (stored == null) {
                return null;
            }
            return isAllowNullValues() ? new SimpleValueWrapper(fromStoreValue(stored)) : stored;
        });
    }

    @Override
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        return cache.getOrSet(key(key), () -> valueLoader.get().thenApply(value -> checked(key, value)));
    }

    @Override
    public void put(Object key, Object value) {
        cache.blocking().set(key(key), checked(key, value));
    }

    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        if (cache.blocking().add(key(key), checked(key, value), null)) {
            return null;
        }
        return get(key);
    }

    @Override
    public void evict(Object key) {
        cache.blocking().delete(key(key));
    }

    @Override
    public boolean evictIfPresent(Object key) {
        return cache.blocking().delete(key(key));
    }

    @Override
    public void clear() {
        cache.blocking().clear();
    }

    /** The value itself, checked against {@code allowNullValues}. */
    private <T> T checked(Object key, T value) {
        if (value == null && !isAllowNullValues()) {
            throw new IllegalArgumentException("Cache '" + getName() + "' is configured to not allow null values "
                    + "but null was provided for key '" + key + "'");
        }
        return value;
    }

    /**
     * The zodiac key of a Spring key: a string as it is, anything else by its {@code toString()}.
     *
     * @throws IllegalArgumentException when the key's class does not override {@code toString()}
     */
    static String key(Object key) {
        Objects.requireNonNull(key, "key");
        if (key instanceof String string) {
            return string;
        }
        if (!PRINTS_ITSELF.get(key.getClass())) {
            throw new IllegalArgumentException("Cache key of type " + key.getClass().getName() + " has no stable "
                    + "string form (it does not override toString()): override it or give the cache annotation a key");
        }
        return key.toString();
    }

    @Override
    public String toString() {
        return "ZodiacSpringCache[" + cache + "]";
    }
}
