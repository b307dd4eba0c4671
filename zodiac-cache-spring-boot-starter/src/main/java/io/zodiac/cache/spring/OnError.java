package io.zodiac.cache.spring;

/**
 * What the Spring cache bridge does when its backend fails (Redis down or too slow, the circuit
 * open): {@code zodiac.cache.spring-cache.on-error}.
 */
public enum OnError {

    /**
     * The default: the error is logged (at most every 10 s per cache), counted and reported to the
     * cache's plugins as {@code FAIL_OPEN}; a read is a miss (the method runs), a write does nothing.
     * Spring's {@code CacheErrorHandler} never sees it.
     */
    FAIL_OPEN,

    /**
     * The error is counted and thrown to Spring, whose {@code CacheErrorHandler} decides: Spring's
     * default rethrows it to the caller, an application's own (from a {@code CachingConfigurer})
     * may log it and carry on.
     */
    RETHROW
}
