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
import org.springframework.core.MethodClassKey;
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

    /** A {@code @Cached} method and the method that declares the annotation. */
    private record Annotated(Method declaring, Cached cached) {
    }

    private final Supplier<CacheManager> manager;
    private final ConcurrentHashMap<MethodClassKey, Optional<Annotated>> annotated = new ConcurrentHashMap<>();

    CachedMethodInterceptor(Supplier<CacheManager> manager) {
        this.manager = manager;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Optional<Annotated> found = target == null ? Optional.empty() : annotated(invocation.getMethod(), target.getClass());
        if (found.isEmpty()) {
            return invocation.proceed();
        }
        Annotated method = found.get();
        return CachedInvoker.invoke(manager.get(), target, method.declaring(), method.cached(), invocation.getArguments(),
                invocation::proceed);
    }

    /**
     * Compiles every {@code @Cached} method of {@code targetClass} now, so that a wrong annotation
     * fails the context's startup rather than the first call.
     *
     * @throws IllegalArgumentException naming the method that cannot be cached
     */
    void compile(Class<?> targetClass) {
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass, ReflectionUtils.USER_DECLARED_METHODS)) {
            annotated(method, targetClass).ifPresent(found ->
                    CachedInvoker.compile(targetClass, found.declaring(), found.cached()));
        }
    }

    private Optional<Annotated> annotated(Method method, Class<?> targetClass) {
        return annotated.computeIfAbsent(new MethodClassKey(method, targetClass), key -> {
            Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
            MergedAnnotation<Cached> cached = MergedAnnotations.from(specific, SearchStrategy.TYPE_HIERARCHY).get(Cached.class);
            if (!cached.isPresent() || !(cached.getSource() instanceof Method declaring)) {
                return Optional.empty();
            }
            return Optional.of(new Annotated(declaring, cached.synthesize()));
        });
    }
}
