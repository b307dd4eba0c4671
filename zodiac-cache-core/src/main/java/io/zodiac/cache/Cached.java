package io.zodiac.cache;

import io.zodiac.cache.key.DefaultKeyBuilder;
import io.zodiac.cache.key.KeyBuilder;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.Predicate;

/**
 * Caches a method's results through {@link ZodiacCache#getOrSet}: the first call with some
 * arguments runs the method and stores its result; later calls with equal arguments read it.
 * Concurrent calls with one key run the method once at a time (getOrSet's stampede protection,
 * across JVMs on a shared backend).
 *
 * <pre>{@code
 * public interface UserService {
 *     @Cached(ttl = 60)
 *     CompletableFuture<User> user(int id);          // async: the future comes from getOrSet
 *
 *     @Cached(name = "sessions", ttl = 600)
 *     Session session(String token) throws IOException;   // plain: runs in the caller's thread
 *
 *     void rename(int id, String name);              // no @Cached: passes straight through
 * }
 *
 * CacheManager.global().setup("myapp");
 * UserService users = CachedProxy.of(UserService.class, new DbUserService(db));
 * }</pre>
 *
 * <p>The annotation takes effect through {@link CachedProxy}: on the interface methods of
 * {@link CachedProxy#of} proxies (or on the target class's implementation of them), on the
 * overridable methods of {@link CachedProxy#subclass} proxies.
 *
 * <ul>
 *   <li>Methods returning {@code CompletableFuture<T>} or {@code CompletionStage<T>} stay
 *       asynchronous and cache the future's value; other methods cache their return value and
 *       run in the calling thread. {@code void} methods cannot be cached.
 *   <li>Exceptions, checked or not, reach the caller exactly as the method threw them (in the
 *       future, for async methods), and nothing is stored.
 *   <li>The cache is looked up by {@link #name()} at each call: a proxy may be created before
 *       {@link CacheManager#setup}, and a call before it fails with an
 *       {@code IllegalStateException} saying the cache {@code is not initialized}. Such errors
 *       of use (no cache, an argument the key cannot encode) are thrown by the call itself,
 *       for async methods too; only what the method does ends up in the future.
 *   <li>The stored value is read back as the method's generic return type (the future's type
 *       argument for async methods), so JSON-backed caches return {@code List<User>}, not maps.
 * </ul>
 *
 * <p>The default key is {@code {target class}:{method}:{hash}} (see
 * {@link io.zodiac.cache.key.CanonicalKey}), where the target class is the implementation that
 * runs (the user's class behind a JDK, CGLIB or Byte Buddy proxy): two implementations of one
 * interface method never share entries, and one implementation shares them across JVMs. The hash
 * covers the parameter types and a type-tagged encoding of the arguments, and is the same in every
 * JVM. It accepts {@code null}, boxed primitives, {@code String}, {@code byte[]}, enums, and lists,
 * arrays and records of those; any other argument type fails the call with an
 * {@code IllegalArgumentException} before the method runs: give such methods a {@link #key()}
 * template or a {@link #keyBuilder()}.
 *
 * <p>A {@link #key()} template makes the key readable, so that other code can name it: the same
 * template on {@link CacheInvalidate} or {@link CacheUpdate} of a writing method, or
 * {@code cache.delete("user:42")}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Cached {

    /**
     * Time to live of stored results, in seconds: {@code -1} (the default) for the cache's
     * default TTL, {@code 0} for no expiry, a positive number for that many seconds. Other
     * values are rejected when the proxy is created.
     */
    long ttl() default -1;

    /** The name of the cache to use; {@code ""} (the default) means {@link CacheManager#DEFAULT_CACHE_NAME}. */
    String name() default "";

    /**
     * A key template, {@code ""} (the default) for the default hashed key. Literal text and
     * placeholders: {@code {0}} (the first argument), {@code {id}} (the parameter named {@code id};
     * needs classes compiled with {@code javac -parameters}), {@code {user.id}} (a path of record
     * components, getters ({@code getId()}, {@code isActive()}, {@code id()}) and public fields from
     * a parameter; {@code {0.id}} works too). A placeholder's value is written as text:
     * {@code String}s as they are, numbers, booleans and characters by {@code String.valueOf},
     * enums by {@code name()}, {@code UUID}, {@code BigDecimal} and {@code java.time} values by
     * {@code toString()}, {@code null} (anywhere on a path) as {@code null}; a placeholder must end
     * at such a value type. The template is compiled when the proxy is created: an unknown
     * parameter, a path that does not exist or that ends at another type fails there, with an
     * {@code IllegalArgumentException} naming the method and the placeholder. The key is used as is
     * under the cache's namespace: {@code @Cached(key = "user:{id}")} of {@code find(42)} is
     * {@code user:42}. {@code key} and {@link #keyBuilder()} exclude each other.
     */
    String key() default "";

    /**
     * A custom key builder, instantiated once per method through its no-argument constructor;
     * it replaces the default key, and {@link #includeCls()} is then not applied. The default, {@link DefaultKeyBuilder}{@code .class}, is the marker for "no
     * key builder given": the default key.
     */
    Class<? extends KeyBuilder> keyBuilder() default DefaultKeyBuilder.class;

    /**
     * Results for which this predicate is true are returned but not stored. Instantiated once per
     * method through its no-argument constructor. {@link SkipNull} (the default) skips
     * {@code null}; {@link CacheAll} stores everything.
     */
    Class<? extends Predicate<?>> skipCacheIf() default SkipNull.class;

    /**
     * Refresh-ahead, in seconds: a hit on an entry stored longer ago than this returns the stored
     * value and refreshes the entry in the background (see
     * {@link GetOrSetOptions#refreshAfter}); {@code -1} (the default) never refreshes. Must be
     * positive and, with a {@link #ttl()}, shorter than it; checked when the proxy is created.
     */
    long refreshAfter() default -1;

    /**
     * The TTL of a stored {@code null} result, in seconds (negative caching; see
     * {@link GetOrSetOptions#nullTtl}): {@code -1} (the default) stores nulls with the TTL of
     * values. Only matters when nulls are stored, with {@code skipCacheIf = CacheAll.class}.
     */
    long nullTtl() default -1;

    /**
     * Scopes the default key to the type the proxy was created for (the interface given to
     * {@link CachedProxy#of}, the class given to {@link CachedProxy#subclass}, the bean class in the
     * Spring starter): one implementation proxied through two interfaces keeps separate entries
     * of a method that both declare.
     */
    boolean includeCls() default false;

    /**
     * No effect since the default key carries the target class: the implementation that runs is
     * always part of the key, which is what this element used to add (instances of one class share
     * entries, a subclass gets its own, never instance-scoped). Kept so that annotations that set
     * it still compile.
     *
     * @deprecated the default key is always scoped to the implementation class
     */
    @Deprecated
    boolean includeSelf() default false;
}
