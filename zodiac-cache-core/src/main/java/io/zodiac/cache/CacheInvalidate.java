package io.zodiac.cache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Deletes an entry (or every entry of a cache) after the method returns normally, so that the
 * next {@link Cached} read loads fresh data. Repeatable.
 *
 * <pre>{@code
 * @CacheInvalidate(name = "users", key = "user:{user.id}")
 * @CacheInvalidate(name = "search", allEntries = true)
 * void save(User user);
 * }</pre>
 *
 * <ul>
 *   <li>The invalidation runs after a normal return: for methods returning
 *       {@code CompletableFuture}/{@code CompletionStage} (or a Reactor {@code Mono}/{@code Flux}),
 *       after the result completes normally, and the caller's future completes after the
 *       invalidation. When the method throws, nothing is invalidated.
 *   <li>{@link #key()} is a template, as {@link Cached#key()}, compiled when the proxy is created;
 *       it names the entry of a {@code @Cached(key = ...)} read.
 *   <li>{@link #allEntries()} clears the named cache ({@link ZodiacCache#clear()}: that cache's
 *       namespace only).
 *   <li>A cache error while invalidating reaches the caller (the entry may still be there).
 *   <li>Works on {@link CachedProxy#of}, {@link CachedProxy#subclass} and, through the Spring Boot
 *       starter, on beans; found where {@code @Cached} is (the method, the interface or superclass
 *       method it implements). A method has either {@code @Cached} or the writing annotations.
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(CacheInvalidate.List.class)
public @interface CacheInvalidate {

    /** The name of the cache; {@code ""} (the default) means {@link CacheManager#DEFAULT_CACHE_NAME}. */
    String name() default "";

    /** The key template of the entry to delete; required unless {@link #allEntries()}. */
    String key() default "";

    /** {@code true} to clear every entry of the named cache instead of one key; then no {@link #key()}. */
    boolean allEntries() default false;

    /** The container of repeated {@link CacheInvalidate} annotations. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface List {

        /** The invalidations, run in this order. */
        CacheInvalidate[] value();
    }
}
