package io.zodiac.cache;

import java.lang.reflect.Method;
import java.util.Objects;
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

    /** Compiled methods per target class. */
    private static final ClassValue<ConcurrentMap<Method, CachedMethod>> COMPILED = new ClassValue<>() {
        @Override
        protected ConcurrentMap<Method, CachedMethod> computeValue(Class<?> targetClass) {
            return new ConcurrentHashMap<>();
        }
    };

    private CachedInvoker() {
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
        Objects.requireNonNull(invocation, "invocation");
        CachedMethod compiled = compiled(target.getClass(), method, cached);
        return compiled.invoke(manager, target, args == null ? NO_ARGS : args, invocation::proceed);
    }

    private static CachedMethod compiled(Class<?> targetClass, Method method, Cached cached) {
        ConcurrentMap<Method, CachedMethod> methods = COMPILED.get(targetClass);
        CachedMethod compiled = methods.get(method);
        if (compiled == null) {
            // compiled outside the map: key builders' constructors may create proxies themselves
            CachedMethod fresh = CachedMethod.compile(method, Objects.requireNonNull(cached, "cached"), targetClass,
                    targetClass);
            compiled = methods.putIfAbsent(method, fresh);
            compiled = compiled == null ? fresh : compiled;
        }
        return compiled;
    }
}
