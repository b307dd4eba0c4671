package io.zodiac.cache.internal.proxy;

import io.zodiac.cache.CacheManager;

/**
 * One compiled method of a proxied class: a {@code @Cached} read ({@link CachedMethod}) or a
 * {@code @CacheInvalidate}/{@code @CacheUpdate} write ({@link WritingMethod}).
 */
interface CacheOperation {

    /**
     * One call: the result, from the cache or from {@code invocation} ({@code null}: the method
     * itself, called reflectively on {@code receiver}), with the cache work done on the way.
     *
     * @throws Throwable what the method throws
     */
    Object invoke(CacheManager manager, Object receiver, Object[] args, CachedInvoker.Invocation invocation) throws Throwable;
}
