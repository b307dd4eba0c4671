package io.zodiac.cache.internal.proxy;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.Cached;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.TypeRef;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.internal.ManagerAccess;
import io.zodiac.cache.key.CanonicalKey;
import io.zodiac.cache.key.DefaultKeyBuilder;
import io.zodiac.cache.key.KeyBuilder;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.BaseStream;

/**
 * One {@link Cached} method of one proxied type, compiled once: the cache name, the getOrSet
 * options (TTL, skip predicate, the return type to read values as), and the key (the compiled
 * default key or the custom key builder). A call costs a cache lookup by name, the key and the
 * getOrSet; nothing reflective.
 */
final class CachedMethod {

    private final Method method;
    private final String cacheName;
    private final boolean async;
    private final GetOrSetOptions<Object> options;
    /** The default key, or {@code null} when a custom builder is given. */
    private final CanonicalKey defaultKey;
    private final KeyBuilder keyBuilder;

    private CachedMethod(Method method, String cacheName, boolean async, GetOrSetOptions<Object> options,
            CanonicalKey defaultKey, KeyBuilder keyBuilder) {
        this.method = method;
        this.cacheName = cacheName;
        this.async = async;
        this.options = options;
        this.defaultKey = defaultKey;
        this.keyBuilder = keyBuilder;
    }

    /**
     * Compiles a method.
     *
     * @param boundType the type the proxy is created for ({@code includeCls})
     * @param receiverClass the class of the object the method runs on ({@code includeSelf})
     * @throws IllegalArgumentException when the annotation or the method cannot be cached; the
     *     message names the method
     */
    static CachedMethod compile(Method method, Cached cached, Class<?> boundType, Class<?> receiverClass) {
        Class<?> returned = method.getReturnType();
        if (returned == void.class || returned == Void.class) {
            throw invalid(method, "it returns void: there is no result to cache");
        }
        if (BaseStream.class.isAssignableFrom(returned) || Iterator.class.isAssignableFrom(returned)) {
            throw invalid(method, "it returns a " + returned.getName() + ", which can be consumed only once; return a List");
        }
        boolean async = returned == CompletableFuture.class || returned == CompletionStage.class;
        if (!async && (CompletionStage.class.isAssignableFrom(returned) || Future.class.isAssignableFrom(returned))) {
            throw invalid(method, "it returns " + returned.getName() + "; async methods must return CompletableFuture or CompletionStage");
        }
        GetOrSetOptions<Object> options = GetOrSetOptions.defaults()
                .ttl(ttl(method, cached.ttl()))
                .skipCacheIf(skipPredicate(method, cached.skipCacheIf()))
                .type(TypeRef.of(resolve(valueType(method.getGenericReturnType(), async), method, receiverClass)));
        String cacheName = cached.name().isEmpty() ? CacheManager.DEFAULT_CACHE_NAME : cached.name();
        method.trySetAccessible(); // for call() on a non-public interface
        if (cached.keyBuilder() != DefaultKeyBuilder.class) {
            KeyBuilder builder = instantiate(method, "keyBuilder", cached.keyBuilder());
            return new CachedMethod(method, cacheName, async, options, null, builder);
        }
        List<Class<?>> scope = new ArrayList<>(2);
        if (cached.includeCls()) {
            scope.add(boundType);
        }
        if (cached.includeSelf()) {
            scope.add(stableName(method, receiverClass));
        }
        return new CachedMethod(method, cacheName, async, options, CanonicalKey.forMethod(method, scope.toArray(Class<?>[]::new)), null);
    }

    /**
     * The cached result of the call: from the cache, or from {@code invocation} (when it is
     * {@code null}, this method run on {@code receiver}), stored on the way. A hit in memory
     * without plugins returns at once, allocating nothing here.
     */
    Object invoke(CacheManager manager, Object receiver, Object[] args, CachedInvoker.Invocation invocation) throws Throwable {
        DefaultZodiacCache cache = ManagerAccess.cache(manager, cacheName);
        String key = key(receiver, args);
        // refresh-ahead needs the entry's age, which the local fast path does not read
        Object hit = options.refreshAfter() == null ? cache.hitNow(key, options.type()) : DefaultZodiacCache.NOT_HERE;
        if (hit != DefaultZodiacCache.NOT_HERE) {
            return async ? CompletableFuture.completedFuture(hit) : hit;
        }
        CachedInvoker.Invocation run = invocation != null ? invocation : () -> call(receiver, args);
        if (async) {
            return cache.getOrSet(key, () -> produceAsync(run), options);
        }
        try {
            return cache.blocking().getOrSet(key, () -> produce(run), options);
        } catch (TargetFailure failure) {
            throw failure.getCause();
        }
    }

    /** Runs the method without the cache, unwrapping reflection's wrapper: what the method throws, the caller gets. */
    Object call(Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private String key(Object receiver, Object[] args) {
        if (defaultKey != null) {
            return defaultKey.build(args);
        }
        String key = keyBuilder.build(receiver, method, args);
        if (key == null) {
            throw new IllegalStateException("keyBuilder " + keyBuilder.getClass().getName() + " returned null for "
                    + describe(method));
        }
        return key;
    }

    private static Object produce(CachedInvoker.Invocation invocation) {
        try {
            return invocation.proceed();
        } catch (Throwable t) {
            throw new TargetFailure(t);
        }
    }

    @SuppressWarnings("unchecked")
    private static CompletionStage<Object> produceAsync(CachedInvoker.Invocation invocation) {
        try {
            return (CompletionStage<Object>) invocation.proceed();
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    /**
     * Carries what a plain method threw, checked or not, through the blocking getOrSet (whose
     * producer is a {@code Supplier}) back to the proxy, which throws the original.
     */
    private static final class TargetFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TargetFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    // ---------------------------------------------------------------- compile helpers

    private static Duration ttl(Method method, long seconds) {
        if (seconds == -1) {
            return null;
        }
        if (seconds < 0) {
            throw invalid(method, "ttl = " + seconds + "; use -1 (the cache's default TTL), 0 (no expiry) or a positive number of seconds");
        }
        return Duration.ofSeconds(seconds);
    }

    /** The type of the cached value: the return type, or the future's type argument; primitives boxed. */
    private static Type valueType(Type returned, boolean async) {
        Type type = returned;
        if (async) {
            type = returned instanceof ParameterizedType future ? future.getActualTypeArguments()[0] : Object.class;
            if (type instanceof WildcardType wildcard) {
                type = wildcard.getUpperBounds()[0];
            }
        }
        return type instanceof Class<?> c ? boxed(c) : type;
    }

    /**
     * Resolves the type variables of a generic declaring type against the receiver's class:
     * {@code T find(int)} of {@code Repo<T>} is {@code User find(int)} on a
     * {@code UserRepo implements Repo<User>}, so typed reads give a {@code User} back.
     */
    private static Type resolve(Type type, Method method, Class<?> receiverClass) {
        if (type instanceof Class<?> || receiverClass == null) {
            return type;
        }
        TypeFactory types = TypeFactory.defaultInstance();
        JavaType declaring = types.constructType(receiverClass).findSuperType(method.getDeclaringClass());
        return declaring == null ? type : types.resolveMemberType(type, declaring.getBindings());
    }

    /** The wrapper class of a primitive type; other types unchanged. */
    static Class<?> boxed(Class<?> type) {
        return type.isPrimitive() ? MethodType.methodType(type).wrap().returnType() : type;
    }

    /** {@code equals}, {@code hashCode}, {@code toString} and the other public methods of Object: never cached. */
    static boolean isObjectMethod(Method method) {
        try {
            Object.class.getMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** A receiver class whose name is the same in every JVM, as a key scope must be. */
    private static Class<?> stableName(Method method, Class<?> receiverClass) {
        if (receiverClass.isHidden() || Proxy.isProxyClass(receiverClass)) {
            throw invalid(method, "includeSelf needs a receiver class with a stable name, but "
                    + receiverClass.getName() + " is " + (receiverClass.isHidden() ? "a hidden class (a lambda?)" : "a JDK proxy"));
        }
        return receiverClass;
    }

    /** The skip predicate; it is applied to results of the method's return type only. */
    @SuppressWarnings("unchecked")
    private static Predicate<Object> skipPredicate(Method method, Class<? extends Predicate<?>> type) {
        return (Predicate<Object>) instantiate(method, "skipCacheIf", type);
    }

    private static <T> T instantiate(Method method, String element, Class<T> type) {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw invalid(method, element + " = " + type.getName() + " is abstract; give a concrete class");
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor();
            constructor.trySetAccessible();
            return constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw invalid(method, element + " = " + type.getName() + " has no no-argument constructor");
        } catch (InvocationTargetException e) {
            IllegalArgumentException failure = invalid(method, element + " = " + type.getName() + " failed in its constructor: " + e.getCause());
            failure.initCause(e.getCause());
            throw failure;
        } catch (ReflectiveOperationException e) {
            throw invalid(method, element + " = " + type.getName() + " cannot be instantiated: " + e);
        }
    }

    private static IllegalArgumentException invalid(Method method, String problem) {
        return new IllegalArgumentException("@Cached " + describe(method) + " cannot be cached: " + problem);
    }

    /** {@code com.acme.Users.find(int, java.lang.String)}, for messages. */
    static String describe(Method method) {
        StringBuilder text = new StringBuilder(method.getDeclaringClass().getName()).append('.').append(method.getName()).append('(');
        Class<?>[] parameters = method.getParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            text.append(i == 0 ? "" : ", ").append(parameters[i].getTypeName());
        }
        return text.append(')').toString();
    }
}
