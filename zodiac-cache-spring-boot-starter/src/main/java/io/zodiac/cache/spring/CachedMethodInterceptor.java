package io.zodiac.cache.spring;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.internal.proxy.CachedInvoker;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Runs the {@link io.zodiac.cache.Cached @Cached}, {@link io.zodiac.cache.CacheInvalidate @CacheInvalidate}
 * and {@link io.zodiac.cache.CacheUpdate @CacheUpdate} methods of Spring beans through their
 * caches with the core's {@link CachedInvoker}: the keys, options and semantics of
 * {@link io.zodiac.cache.CachedProxy}. The annotations are found on the bean class's method or on
 * the superclass or interface method it overrides; default keys carry the bean's user class, as
 * for {@code CachedProxy}. Looked up once per method and bean class.
 *
 * <p>In a Spring transaction (when transaction-aware) a method with {@code @CacheInvalidate} or
 * {@code @CacheUpdate} runs at once and its cache writes run after the commit, none on rollback.
 */
final class CachedMethodInterceptor implements MethodInterceptor {

    private final Supplier<CacheManager> manager;
    private final Supplier<Boolean> transactionAware;
    /**
     * Per method, under the {@code Method} instance the proxy passes (the same one on every call,
     * so the lookup compares references): the invoker for each bean class it ran on, empty for a
     * method without {@code @Cached}. Most methods belong to one bean class; one that several
     * beans inherit has an entry per class.
     */
    private final ConcurrentHashMap<Method, Map<Class<?>, Optional<CachedInvoker>>> invokers = new ConcurrentHashMap<>();

    CachedMethodInterceptor(Supplier<CacheManager> manager, Supplier<Boolean> transactionAware) {
        this.manager = manager;
        this.transactionAware = transactionAware;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        if (target == null) {
            return invocation.proceed();
        }
        Method method = invocation.getMethod();
        Class<?> targetClass = target.getClass();
        Map<Class<?>, Optional<CachedInvoker>> byClass = invokers.get(method);
        Optional<CachedInvoker> found = byClass == null ? null : byClass.get(targetClass);
        if (found == null) {
            found = invoker(method, targetClass);
        }
        if (found.isEmpty()) {
            return invocation.proceed();
        }
        CachedInvoker invoker = found.get();
        if (invoker.writes() && transactionAware.get() && AfterCommit.inTransaction()) {
            return writeAfterCommit(invoker, target, invocation);
        }
        return invoker.invoke(manager.get(), target, invocation.getArguments(), invocation::proceed);
    }

    /**
     * Runs a {@code @CacheInvalidate}/{@code @CacheUpdate} method now, in the transaction, and its cache
     * writes after the commit (none on rollback), with the result and the arguments of this call.
     */
    private Object writeAfterCommit(CachedInvoker invoker, Object target, MethodInvocation invocation) throws Throwable {
        Object result = invocation.proceed();
        CacheManager caches = manager.get();
        Object[] arguments = invocation.getArguments();
        AfterCommit.run(() -> {
            try {
                invoker.invoke(caches, target, arguments, () -> result);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new UndeclaredThrowableException(e, "cache writes after commit of " + invocation.getMethod() + " failed");
            }
        });
        return result;
    }

    /**
     * Compiles every {@code @Cached} method of {@code targetClass} now, so that a wrong annotation
     * fails the context's startup rather than the first call.
     *
     * @throws IllegalArgumentException naming the method that cannot be cached
     */
    void compile(Class<?> targetClass) {
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass, ReflectionUtils.USER_DECLARED_METHODS)) {
            compile(method, targetClass);
        }
    }

    /** Compiles the invoker of {@code method} for {@code targetClass} and adds it to {@link #invokers}. */
    private Optional<CachedInvoker> invoker(Method method, Class<?> targetClass) {
        // compiled outside the map: key builders' constructors may create proxies themselves
        Optional<CachedInvoker> fresh = compile(method, targetClass);
        return invokers.merge(method, Map.of(targetClass, fresh), (known, added) -> {
            if (known.containsKey(targetClass)) {
                return known;
            }
            Map<Class<?>, Optional<CachedInvoker>> more = new HashMap<>(known);
            more.putAll(added);
            return Map.copyOf(more);
        }).get(targetClass);
    }

    /**
     * The invoker of a method with cache annotations ({@code @Cached}, {@code @CacheInvalidate},
     * {@code @CacheUpdate}) on the bean class, its superclasses or interfaces; the default key
     * carries the bean's user class.
     */
    private static Optional<CachedInvoker> compile(Method method, Class<?> targetClass) {
        return CachedInvoker.find(targetClass, AopUtils.getMostSpecificMethod(method, targetClass));
    }
}
