package io.zodiac.cache.spring;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.Cached;
import io.zodiac.cache.CachedInvoker;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ReflectionUtils;

/**
 * Runs the {@link Cached} methods of Spring beans through their caches with the core's
 * {@link CachedInvoker}: the keys, options and semantics of {@link io.zodiac.cache.CachedProxy}.
 * The annotation is found on the bean class's method or on the interface or superclass method it
 * overrides; the method that declares it makes the key, as for {@code CachedProxy} (an interface
 * method gives the keys of {@code CachedProxy.of}, a class method those of
 * {@code CachedProxy.subclass}). Looked up once per method and bean class.
 */
final class CachedMethodInterceptor implements MethodInterceptor {

    /** The invoker of a method for one bean class. */
    private record Resolved(Class<?> targetClass, Optional<CachedInvoker> invoker) {
    }

    private final Supplier<CacheManager> manager;
    /**
     * Per method, the invoker for the first bean class it was called on: the usual case, a
     * method of one bean, costs one lookup. A method called on more classes (one that several
     * beans inherit) finds the others in {@link #invokers}.
     */
    private final ConcurrentHashMap<Method, Resolved> firstClass = new ConcurrentHashMap<>();
    /** Per bean class: the compiled invoker of each method, empty for a method without {@code @Cached}. */
    private final ClassValue<ConcurrentHashMap<Method, Optional<CachedInvoker>>> invokers = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<Method, Optional<CachedInvoker>> computeValue(Class<?> targetClass) {
            return new ConcurrentHashMap<>();
        }
    };

    CachedMethodInterceptor(Supplier<CacheManager> manager) {
        this.manager = manager;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        if (target == null) {
            return invocation.proceed();
        }
        Method method = invocation.getMethod();
        Class<?> targetClass = target.getClass();
        Resolved first = firstClass.get(method);
        Optional<CachedInvoker> found;
        if (first != null && first.targetClass() == targetClass) {
            found = first.invoker();
        } else {
            found = invoker(method, targetClass);
            if (first == null) {
                firstClass.putIfAbsent(method, new Resolved(targetClass, found));
            }
        }
        if (found.isEmpty()) {
            return invocation.proceed();
        }
        return found.get().invoke(manager.get(), target, invocation.getArguments(), invocation::proceed);
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

    /**
     * The invoker of the called method, kept under the {@code Method} instance the proxy passes
     * (the same one on every call, so the lookup compares references), compiled on its first call.
     */
    private Optional<CachedInvoker> invoker(Method method, Class<?> targetClass) {
        ConcurrentHashMap<Method, Optional<CachedInvoker>> methods = invokers.get(targetClass);
        Optional<CachedInvoker> found = methods.get(method);
        if (found == null) {
            // compiled outside the map: key builders' constructors may create proxies themselves
            Optional<CachedInvoker> fresh = compile(method, targetClass);
            found = methods.putIfAbsent(method, fresh);
            found = found == null ? fresh : found;
        }
        return found;
    }

    /** The invoker of a {@code @Cached} method; the method that declares the annotation makes the key. */
    private static Optional<CachedInvoker> compile(Method method, Class<?> targetClass) {
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        MergedAnnotation<Cached> cached = MergedAnnotations.from(specific, SearchStrategy.TYPE_HIERARCHY).get(Cached.class);
        if (!cached.isPresent() || !(cached.getSource() instanceof Method declaring)) {
            return Optional.empty();
        }
        return Optional.of(CachedInvoker.forMethod(targetClass, declaring, cached.synthesize()));
    }
}
