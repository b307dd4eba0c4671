package io.zodiac.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stores the method's return value under a key after the method returns normally, so that the
 * {@link Cached} read of that key returns it without loading.
 *
 * <pre>{@code
 * @CacheUpdate(name = "users", key = "user:{user.id}")
 * User rename(User user, String name);
 * }</pre>
 *
 * <ul>
 *   <li>The value stored is the return value, or the value of the returned
 *       {@code CompletableFuture}/{@code CompletionStage} once it completes normally (a Reactor
 *       {@code Mono}'s value, a {@code Flux}'s list); the caller's result completes after the
 *       store. When the method fails, nothing is stored. A {@code null} value deletes the key
 *       instead, so that the next read loads.
 *   <li>{@link #key()} is a template, as {@link Cached#key()}, compiled when the proxy is created.
 *   <li>A cache error while storing reaches the caller.
 *   <li>Works on {@link CachedProxy#of}, {@link CachedProxy#subclass} and, through the Spring Boot
 *       starter, on beans; it may be combined with {@link CacheInvalidate} (invalidations run
 *       first), not with {@code @Cached}.
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CacheUpdate {

    /** The name of the cache; {@code ""} (the default) means {@link CacheManager#DEFAULT_CACHE_NAME}. */
    String name() default "";

    /** The key template of the entry to store; required. */
    String key();

    /**
     * Time to live of the stored value, in seconds: {@code -1} (the default) for the cache's
     * default TTL, {@code 0} for no expiry, a positive number for that many seconds.
     */
    long ttl() default -1;
}
