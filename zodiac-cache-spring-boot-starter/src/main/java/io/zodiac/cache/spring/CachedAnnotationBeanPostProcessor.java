package io.zodiac.cache.spring;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheInvalidate;
import io.zodiac.cache.CacheUpdate;
import io.zodiac.cache.Cached;
import java.util.function.Supplier;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;

/**
 * Proxies the beans that have {@link Cached}, {@link CacheInvalidate} or {@link CacheUpdate}
 * methods (on their class, its superclasses or its interfaces) so that those methods run through their caches, and checks the annotations when it
 * does, so that a wrong one fails the context's startup. A bean that is already a proxy (for
 * {@code @Transactional}, say) gets the caching advice first in its chain, so a hit skips the
 * rest. Class-based proxies, as Spring Boot's default. Inside a Spring transaction the writes of
 * {@code @CacheInvalidate} and {@code @CacheUpdate} wait for its commit (unless not transaction-aware).
 */
final class CachedAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    private final CachedMethodInterceptor interceptor;

    CachedAnnotationBeanPostProcessor(Supplier<CacheManager> manager, Supplier<Boolean> transactionAware) {
        this.interceptor = new CachedMethodInterceptor(manager, transactionAware);
        ComposablePointcut annotated = new ComposablePointcut(new AnnotationMatchingPointcut(null, Cached.class, true))
                .union(new AnnotationMatchingPointcut(null, CacheInvalidate.class, true))
                .union(new AnnotationMatchingPointcut(null, CacheInvalidate.List.class, true))
                .union(new AnnotationMatchingPointcut(null, CacheUpdate.class, true));
        this.advisor = new DefaultPointcutAdvisor(annotated, interceptor);
        setBeforeExistingAdvisors(true);
        setProxyTargetClass(true);
    }

    @Override
    protected boolean isEligible(Class<?> targetClass) {
        boolean eligible = super.isEligible(targetClass);
        if (eligible) {
            interceptor.compile(targetClass);
        }
        return eligible;
    }
}
