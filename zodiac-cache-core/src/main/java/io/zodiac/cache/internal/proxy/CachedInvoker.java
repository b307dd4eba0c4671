package io.zodiac.cache.internal.proxy;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.Cached;
import io.zodiac.cache.CachedProxy;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Runs calls of {@link Cached} methods through their caches for proxies that other frameworks
 * build, such as the Spring Boot starter's AOP interceptor: the keys, options and semantics of
 * {@link CachedProxy}. The framework finds the annotation; the method it passes decides the key as
 * for {@code CachedProxy}: an interface method gives the keys of {@link CachedProxy#of}, the
 * class's own method those of {@link CachedProxy#subclass}. Each method is compiled once per
 * target class.
 */
public final class CachedInvoker {

    /** The method's own code, run on a miss: the next interceptor, or the target itself. */
    @FunctionalInterface
    public interface Invocation {

        /**
         * Runs the method.
         *
         * @return its result
         * @throws Throwable what the method throws
         */
        Object proceed() throws Throwable;
    }

    private static final Object[] NO_ARGS = {};

    /** Compiled methods per target class, empty for a method without annotations. */
    private static final ClassValue<ConcurrentMap<Method, Optional<CachedInvoker>>> FOUND = new ClassValue<>() {
        @Override
        protected ConcurrentMap<Method, Optional<CachedInvoker>> computeValue(Class<?> targetClass) {
            return new ConcurrentHashMap<>();
        }
    };

    /** Compiled methods per target class. */
    private static final ClassValue<ConcurrentMap<Method, CachedInvoker>> COMPILED = new ClassValue<>() {
        @Override
        protected ConcurrentMap<Method, CachedInvoker> computeValue(Class<?> targetClass) {
            return new ConcurrentHashMap<>();
        }
    };

    private final CacheOperation method;

    private CachedInvoker(CacheOperation method) {
        this.method = method;
    }

    /**
     * The compiled invoker of {@code method} for targets of {@code targetClass}, with whatever cache
     * annotations it has ({@link Cached}, {@link io.zodiac.cache.CacheInvalidate},
     * {@link io.zodiac.cache.CacheUpdate}), found on the target class's method, its superclasses'
     * or its interfaces'; empty when it has none. The default key carries the target class (the
     * user class behind a CGLIB or Byte Buddy class). Compiled once per target class and method.
     *
     * @param targetClass the class of the objects the method will run on
     * @param method the method, as the framework intercepts it
     * @return the invoker, or empty
     * @throws IllegalArgumentException when the annotations are invalid; the message names the method
     */
    public static Optional<CachedInvoker> find(Class<?> targetClass, Method method) {
        Objects.requireNonNull(targetClass, "targetClass");
        Objects.requireNonNull(method, "method");
        ConcurrentMap<Method, Optional<CachedInvoker>> methods = FOUND.get(targetClass);
        Optional<CachedInvoker> found = methods.get(method);
        if (found == null) {
            // compiled outside the map: key builders' constructors may create proxies themselves
            Class<?> keyClass = keyClass(targetClass);
            CacheOperation operation = CacheAnnotations.compile(method, targetClass, keyClass, keyClass);
            Optional<CachedInvoker> fresh = Optional.ofNullable(operation).map(CachedInvoker::new);
            found = methods.putIfAbsent(method, fresh);
            found = found == null ? fresh : found;
        }
        return found;
    }

    private static Class<?> keyClass(Class<?> targetClass) {
        Class<?> userClass = TargetClasses.userClass(targetClass);
        return userClass != null ? userClass : targetClass;
    }

    /**
     * The compiled invoker of {@code method} for targets of {@code targetClass}, for frameworks that
     * keep it with their own per-method state: its {@link #invoke(CacheManager, Object, Object[], Invocation)}
     * skips the lookup that the static {@code invoke} makes on every call. Compiled once per
     * target class and method; the same instance is returned every time.
     *
     * @param targetClass the class of the objects the method will run on
     * @param method the annotated method
     * @param cached its annotation
     * @return the invoker
     * @throws IllegalArgumentException when the method cannot be cached; the message names it
     */
    public static CachedInvoker forMethod(Class<?> targetClass, Method method, Cached cached) {
        return compiled(Objects.requireNonNull(targetClass, "targetClass"), Objects.requireNonNull(method, "method"), cached);
    }

    /**
     * The result of the method on {@code target}: from its cache in {@code manager}, or from
     * {@code invocation}, stored on the way, as {@link #invoke(CacheManager, Object, Method, Cached, Object[], Invocation)}.
     *
     * @param manager the manager whose cache {@link Cached#name()} is used, looked up at each call
     * @param target the object the method runs on, of the target class this invoker was made for
     * @param args the arguments ({@code null} for none)
     * @param invocation runs the method on a miss
     * @return the result
     * @throws IllegalStateException when the cache is not set up
     * @throws IllegalArgumentException when an argument cannot be part of the default key
     * @throws Throwable what the method throws
     */
    public Object invoke(CacheManager manager, Object target, Object[] args, Invocation invocation) throws Throwable {
        return method.invoke(manager, target, args == null ? NO_ARGS : args, Objects.requireNonNull(invocation, "invocation"));
    }

    /**
     * Whether the method writes to caches after it runs ({@link io.zodiac.cache.CacheInvalidate},
     * {@link io.zodiac.cache.CacheUpdate}) rather than reads through one ({@link Cached}): the writes
     * a framework may hold back until a transaction commits.
     *
     * @return {@code true} for {@code @CacheInvalidate}/{@code @CacheUpdate} methods
     */
    public boolean writes() {
        return method instanceof WritingMethod;
    }

    /**
     * Checks and compiles {@code method} for targets of {@code targetClass} ahead of the first call,
     * so that a wrong annotation fails when the proxy is created, as with {@link CachedProxy}.
     *
     * @param targetClass the class of the objects the method will run on
     * @param method the annotated method
     * @param cached its annotation
     * @throws IllegalArgumentException when the method cannot be cached; the message names it
     */
    public static void compile(Class<?> targetClass, Method method, Cached cached) {
        compiled(targetClass, method, cached);
    }

    /**
     * The result of {@code method} on {@code target}: from its cache in {@code manager}, or from
     * {@code invocation}, stored on the way, with {@code getOrSet}'s stampede protection. Async
     * methods return their future at once; what the method throws, the caller gets.
     *
     * @param manager the manager whose cache {@link Cached#name()} is used, looked up at each call
     * @param target the object the method runs on
     * @param method the annotated method
     * @param cached its annotation
     * @param args the arguments ({@code null} for none)
     * @param invocation runs the method on a miss
     * @return the result
     * @throws IllegalStateException when the cache is not set up
     * @throws IllegalArgumentException when the method cannot be cached, or an argument cannot be
     *     part of the default key
     * @throws Throwable what the method throws
     */
    public static Object invoke(CacheManager manager, Object target, Method method, Cached cached, Object[] args,
            Invocation invocation) throws Throwable {
        return compiled(target.getClass(), method, cached).invoke(manager, target, args, invocation);
    }

    private static CachedInvoker compiled(Class<?> targetClass, Method method, Cached cached) {
        ConcurrentMap<Method, CachedInvoker> methods = COMPILED.get(targetClass);
        CachedInvoker compiled = methods.get(method);
        if (compiled == null) {
            // compiled outside the map: key builders' constructors may create proxies themselves
            Class<?> keyClass = keyClass(targetClass);
            CachedInvoker fresh = new CachedInvoker(CachedMethod.compile(method, method, Objects.requireNonNull(cached, "cached"),
                    keyClass, keyClass));
            compiled = methods.putIfAbsent(method, fresh);
            compiled = compiled == null ? fresh : compiled;
        }
        return compiled;
    }
}
