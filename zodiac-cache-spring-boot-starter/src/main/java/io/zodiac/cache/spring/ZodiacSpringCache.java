package io.zodiac.cache.spring;

import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.serializer.SerializationException;
import io.zodiac.cache.spi.KeyText;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A zodiac cache seen through Spring's {@link org.springframework.cache.Cache}, for
 * {@code @Cacheable}, {@code @CachePut} and {@code @CacheEvict}.
 *
 * <p><b>Keys.</b> The Spring cache {@code products} is the zodiac cache {@code products}, and its key
 * {@code k} is stored there as {@code products::k} (Spring Data Redis's {@code cacheName::key}), so two
 * Spring caches never share a key, even when their zodiac caches share a namespace, and Spring's
 * entries never meet those that zodiac's own API ({@code @Cached}, {@code cache.set}) stores in the
 * same cache. A {@code String} key is used as it is, so keys built with SpEL
 * ({@code key = "'user:' + #id"}) stay readable in the backend. Any other key is turned into its
 * {@code toString()}, as Spring Data Redis does; a key class that does not override
 * {@code toString()} (so that it would print its identity) is rejected. Spring's
 * {@link org.springframework.cache.interceptor.SimpleKey} (the key of methods with zero or several
 * parameters) prints its parameters, so its key is the same in every JVM when theirs are. Keys that
 * differ only by type, such as {@code 1} and {@code "1"}, share an entry. {@link #clear()} deletes
 * this Spring cache's keys only ({@code products::*}); on a backend that cannot list keys
 * (Memcached) it clears the whole zodiac cache.
 *
 * <p><b>Types.</b> In a cache whose serializer is {@code json} (the remote default) a value is stored
 * with its type name, {@code {"@type":"com.example.Forecast","value":{...}}}, and read back as that
 * type when {@link AllowedTypes the allowlist} allows it: the application's packages, those of
 * {@code zodiac.cache.spring-cache.allowed-packages}, and JDK value types, alone or in a
 * {@code List}, {@code Set} or {@code Map} whose elements are of one such class. A stored value of
 * another type is a miss (the method runs), logged once per type and reported to the cache's plugins
 * as {@code DECODE_FAILURE}; a value of another type is not stored (its key is evicted), logged once
 * per type. Other serializers keep types themselves and store values as they are.
 *
 * <p><b>Loading.</b> {@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) and
 * {@link #retrieve(Object, Supplier)} (methods returning {@code CompletableFuture}) are
 * {@link ZodiacCache#getOrSet getOrSet}: one caller per key runs the method, in this JVM and, on
 * a shared backend, across JVMs; a backend failure falls back to running the method.
 *
 * <p><b>Errors.</b> Every other operation follows the cache's {@link OnError} policy: by default a
 * backend failure is a miss or a no-op, logged, counted ({@link #backendErrors()}) and reported to
 * the plugins as {@code FAIL_OPEN}; with {@link OnError#RETHROW} it is thrown to Spring's
 * {@code CacheErrorHandler}.
 *
 * <p><b>Transactions.</b> When transaction-aware (the default) and a Spring transaction is active,
 * {@link #put}, {@link #evict} and {@link #clear} run after it commits, and not at all when it rolls
 * back, as with Spring's {@code TransactionAwareCacheDecorator}; {@link #putIfAbsent},
 * {@link #evictIfPresent} and {@link #invalidate} run at once.
 *
 * <p><b>Nulls.</b> With {@code allowNullValues} (Spring's default) a null is stored as the
 * cache's own null and read back as a cached null; without it, storing a null fails with
 * {@link IllegalArgumentException} as in every Spring cache.
 */
public final class ZodiacSpringCache extends AbstractValueAdaptingCache {

    private static final Logger LOG = LoggerFactory.getLogger(ZodiacSpringCache.class);

    /** The separator between the Spring cache's name and a key, as in Spring Data Redis. */
    static final String SEPARATOR = "::";

    /** How many keys {@link #clear()} deletes per listing. */
    private static final int CLEAR_BATCH = 1000;

    /** The most type names whose refusal is logged; past it refusals are only counted (the names may come from anyone). */
    private static final int MOST_LOGGED_TYPES = 1024;
    private static final Set<String> LOGGED_TYPES = ConcurrentHashMap.newKeySet();

    /** The type name of a produced value that is returned but not stored. */
    private static final String UNSTORED = new String("(unstored)");

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

    private final ZodiacCache cache;
    private final String keyPrefix;
    private final StoredValues values;
    private final BackendErrors errors;
    private final boolean transactionAware;
    private final AtomicLong refused = new AtomicLong();

    /**
     * A Spring cache over {@code cache} that allows JDK value types only (in a JSON cache), fails
     * open and is transaction-aware.
     *
     * @param cache the zodiac cache
     * @param allowNullValues whether null values are stored
     */
    public ZodiacSpringCache(ZodiacCache cache, boolean allowNullValues) {
        this(cache, allowNullValues, List.of(), OnError.FAIL_OPEN, true);
    }

    /**
     * A Spring cache over {@code cache}.
     *
     * @param cache the zodiac cache
     * @param allowNullValues whether null values are stored
     * @param allowedPackages the packages whose classes a JSON cache stores and reads back, besides JDK value types
     * @param onError what a backend failure does
     * @param transactionAware whether {@code put}, {@code evict} and {@code clear} in a transaction wait for its commit
     */
    public ZodiacSpringCache(ZodiacCache cache, boolean allowNullValues, List<String> allowedPackages, OnError onError,
            boolean transactionAware) {
        super(allowNullValues);
        this.cache = Objects.requireNonNull(cache, "cache");
        this.keyPrefix = cache.name() + SEPARATOR;
        ClassLoader loader = Objects.requireNonNullElse(Thread.currentThread().getContextClassLoader(),
                ZodiacSpringCache.class.getClassLoader());
        this.values = StoredValues.of(cache, new AllowedTypes(allowedPackages, loader));
        this.errors = new BackendErrors(cache, Objects.requireNonNull(onError, "onError"));
        this.transactionAware = transactionAware;
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

    /** The backend failures this cache met, whatever the {@link OnError} policy made of them. */
    public long backendErrors() {
        return errors.count();
    }

    /** The values read as a miss or not stored because their type is not allowed. */
    public long refusedValues() {
        return refused.get();
    }

    @Override
    protected Object lookup(Object key) {
        String stored = key(key);
        try {
            return toLookupValue(values.readNow(cache.blocking(), stored));
        } catch (AllowedTypes.NotAllowedException | SerializationException e) {
            return refusedRead(stored, e);
        } catch (RuntimeException e) {
            return errors.handle("get", stored, e, null);
        }
    }

    /** Spring's stored form: {@code null} when absent, {@link NullValue} for a cached null. */
    private Object toLookupValue(Object value) {
        if (value == StoredValues.ABSENT || (value == null && !isAllowNullValues())) {
            return null;
        }
        return value == null ? NullValue.INSTANCE : value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        String stored = key(key);
        Object result;
        try {
            result = cache.blocking().getOrSet(stored, () -> storable(stored, checked(key, load(key, valueLoader))), options());
        } catch (RuntimeException e) {
            errors.handle("get", stored, e, null);
            return checked(key, load(key, valueLoader));
        }
        Object value = produced(stored, result);
        if (value == StoredValues.ABSENT) {
            T loaded = checked(key, load(key, valueLoader));
            put(key, loaded);
            return loaded;
        }
        return (T) value;
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
        String stored = key(key);
        CompletableFuture<Object> read;
        try {
            read = values.read(cache, stored);
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return offIoThread(read).handle((value, error) -> {
            if (error != null) {
                RuntimeException cause = cause(error);
                if (cause instanceof AllowedTypes.NotAllowedException || cause instanceof SerializationException) {
                    return refusedRead(stored, cause);
                }
                return errors.handle("get", stored, cause, null);
            }
            Object found = toLookupValue(value);
            if (found == null) {
                return null;
            }
            return isAllowNullValues() ? new SimpleValueWrapper(fromStoreValue(found)) : found;
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        String stored = key(key);
        CompletableFuture<Object> result;
        try {
            result = cache.getOrSet(stored, () -> valueLoader.get().thenApply(value -> storable(stored, checked(key, value))),
                    options());
        } catch (RuntimeException e) {
            errors.handle("get", stored, e, null);
            return valueLoader.get();
        }
        return offIoThread(result).thenCompose(produced -> {
            Object value = produced(stored, produced);
            if (value == StoredValues.ABSENT) {
                return valueLoader.get().thenApply(loaded -> {
                    put(key, checked(key, loaded));
                    return loaded;
                });
            }
            return CompletableFuture.completedFuture((T) value);
        });
    }

    /**
     * {@code future}, completing in a pool thread rather than the backend's I/O thread when it is not
     * done yet: Spring continues with blocking calls ({@code put}) in the thread that completes it,
     * which on a client's I/O thread would wait for a reply that thread must read itself.
     */
    private static <T> CompletableFuture<T> offIoThread(CompletableFuture<T> future) {
        return future.isDone() ? future : future.whenCompleteAsync((value, error) -> { });
    }

    @SuppressWarnings("unchecked")
    private GetOrSetOptions<Object> options() {
        GetOrSetOptions<Object> options = GetOrSetOptions.<Object>defaults().type((Class<Object>) values.storedType());
        return values.enveloped()
                ? options.skipCacheIf(stored -> stored instanceof ValueEnvelope envelope && envelope.type() == UNSTORED)
                : options;
    }

    /** The stored form of a produced value; a value whose type is not allowed is returned, not stored. */
    private Object storable(String key, Object value) {
        try {
            return values.store(value);
        } catch (AllowedTypes.NotAllowedException e) {
            refusedWrite(key, e);
            return new ValueEnvelope(UNSTORED, value);
        }
    }

    /** The value of what {@code getOrSet} returned, or {@link StoredValues#ABSENT} when it cannot be read. */
    private Object produced(String key, Object result) {
        if (result instanceof ValueEnvelope envelope && envelope.type() == UNSTORED) {
            return envelope.value();
        }
        try {
            Object value = values.valueOf(result);
            return value == StoredValues.ABSENT ? null : value;
        } catch (AllowedTypes.NotAllowedException | SerializationException e) {
            refusedRead(key, e);
            return StoredValues.ABSENT;
        }
    }

    @Override
    public void put(Object key, Object value) {
        String stored = key(key);
        Object storedValue = storedOrAbsent(stored, checked(key, value));
        write(() -> {
            try {
                if (storedValue == StoredValues.ABSENT) {
                    cache.blocking().delete(stored);
                } else {
                    cache.blocking().set(stored, storedValue);
                }
            } catch (RuntimeException e) {
                errors.handle("put", stored, e, null);
            }
        });
    }

    /** The stored form of {@code value}, or {@link StoredValues#ABSENT} when its type is not allowed (reported). */
    private Object storedOrAbsent(String key, Object value) {
        try {
            return values.store(value);
        } catch (AllowedTypes.NotAllowedException e) {
            refusedWrite(key, e);
            return StoredValues.ABSENT;
        }
    }

    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        String stored = key(key);
        Object storedValue = storedOrAbsent(stored, checked(key, value));
        if (storedValue == StoredValues.ABSENT) {
            return get(key);
        }
        boolean added;
        try {
            added = cache.blocking().add(stored, storedValue, null);
        } catch (RuntimeException e) {
            return errors.handle("put", stored, e, null);
        }
        return added ? null : get(key);
    }

    @Override
    public void evict(Object key) {
        String stored = key(key);
        write(() -> delete(stored));
    }

    @Override
    public boolean evictIfPresent(Object key) {
        return delete(key(key));
    }

    private boolean delete(String key) {
        try {
            return cache.blocking().delete(key);
        } catch (RuntimeException e) {
            return errors.handle("evict", key, e, false);
        }
    }

    @Override
    public void clear() {
        write(this::clearNow);
    }

    @Override
    public boolean invalidate() {
        return clearNow();
    }

    /** Deletes this Spring cache's keys; the whole zodiac cache on a backend that cannot list keys. */
    private boolean clearNow() {
        try {
            boolean any = false;
            List<String> keys;
            do {
                try {
                    keys = cache.blocking().keys(keyPrefix, CLEAR_BATCH);
                } catch (UnsupportedOperationException cannotList) {
                    return cache.blocking().clear();
                }
                CompletableFuture.allOf(keys.stream().map(cache::delete).toArray(CompletableFuture[]::new)).join();
                any |= !keys.isEmpty();
            } while (keys.size() == CLEAR_BATCH);
            return any;
        } catch (RuntimeException e) {
            return errors.handle("clear", keyPrefix + "*", cause(e), false);
        }
    }

    /** Runs a write now, or after the commit of the current transaction when transaction-aware. */
    private void write(Runnable write) {
        if (transactionAware) {
            AfterCommit.run(write);
        } else {
            write.run();
        }
    }

    /** The value itself, checked against {@code allowNullValues}. */
    private <T> T checked(Object key, T value) {
        if (value == null && !isAllowNullValues()) {
            throw new IllegalArgumentException("Cache '" + getName() + "' is configured to not allow null values "
                    + "but null was provided for key '" + key + "'");
        }
        return value;
    }

    private Object refusedRead(String key, RuntimeException error) {
        refused.incrementAndGet();
        String type = error instanceof AllowedTypes.NotAllowedException notAllowed ? notAllowed.typeName() : "(undecodable)";
        if (LOGGED_TYPES.size() < MOST_LOGGED_TYPES && LOGGED_TYPES.add(type)) {
            LOG.warn("Cache '{}': value under key '{}' read as a miss (logged once per type): {}", getName(),
                    KeyText.of(key), error.getMessage());
        }
        BackendErrors.report(cache, new CacheEvent(cache.name(), CacheEvent.Kind.DECODE_FAILURE, key, error));
        return null;
    }

    private void refusedWrite(String key, AllowedTypes.NotAllowedException error) {
        refused.incrementAndGet();
        if (LOGGED_TYPES.size() < MOST_LOGGED_TYPES && LOGGED_TYPES.add(error.typeName())) {
            LOG.warn("Cache '{}': value for key '{}' not stored (logged once per type): {}", getName(), KeyText.of(key),
                    error.getMessage());
        }
    }

    private static RuntimeException cause(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    /** The zodiac key of a Spring key: {@code {name}::} and the key's string form. */
    private String key(Object key) {
        return keyPrefix + keyText(key);
    }

    /**
     * The string form of a Spring key: a string as it is, anything else by its {@code toString()}.
     *
     * @throws IllegalArgumentException when the key's class does not override {@code toString()}
     */
    static String keyText(Object key) {
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
