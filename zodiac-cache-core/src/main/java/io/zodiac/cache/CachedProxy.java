package io.zodiac.cache;

import io.zodiac.cache.internal.proxy.CachedInvocationHandler;
import io.zodiac.cache.internal.proxy.CachedSubclasses;
import io.zodiac.cache.key.CanonicalKey;
import java.lang.reflect.Proxy;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Puts {@link Cached} methods behind a cache.
 *
 * <pre>{@code
 * CacheManager manager = CacheManager.global();
 * manager.setup("myapp");
 *
 * UserService users = CachedProxy.of(UserService.class, new DbUserService(db));   // interface proxy
 * DbUserService direct = CachedProxy.subclass(DbUserService.class, db);          // class proxy
 *
 * Function<Integer, User> byId = CachedProxy.function(manager::cache, "users.byId",
 *         GetOrSetOptions.<User>defaults().ttl(Duration.ofMinutes(5)).type(User.class), db::findUser);
 * }</pre>
 *
 * <ul>
 *   <li>{@link #of} proxies an interface with a JDK proxy that delegates to a target; calls the
 *       target makes on itself are not cached.
 *   <li>{@link #subclass} generates a subclass (Byte Buddy, once per class) and creates an
 *       instance with the given constructor arguments; calls the object makes on itself are
 *       cached too, except those made by its constructor.
 *   <li>{@link #function} and {@link #asyncFunction} cache a function, a lambda for instance,
 *       under an explicit name, since a lambda has no stable name of its own.
 * </ul>
 *
 * <p>Proxies look their cache up by name at every call, so they may be created before the cache
 * is set up; a call before that fails with an {@code IllegalStateException} saying the cache
 * {@code is not initialized}. The annotations are read, validated and compiled when the proxy is
 * created (once per proxied class): a wrong annotation fails here, with an
 * {@code IllegalArgumentException} naming the method.
 */
public final class CachedProxy {

    private CachedProxy() {
    }

    /**
     * An interface proxy on {@link CacheManager#global()}.
     *
     * @see #of(CacheManager, Class, Object)
     */
    public static <T> T of(Class<T> type, T target) {
        return of(CacheManager.global(), type, target);
    }

    /**
     * A JDK proxy of {@code type} that runs the {@link Cached}, {@link CacheInvalidate} and
     * {@link CacheUpdate} methods of {@code target} through {@code manager}'s caches. The
     * annotations are read from the target class's implementation of each interface method, its
     * superclasses' and the interfaces' (they must agree where a class and an interface both carry
     * them); default keys carry the target's class. Every other method, {@code equals},
     * {@code hashCode} and {@code toString} included, calls the target directly.
     *
     * @throws IllegalArgumentException when {@code type} is not an interface, {@code target} does
     *     not implement it, or a {@code @Cached} annotation is invalid
     */
    public static <T> T of(CacheManager manager, Class<T> type, T target) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(target, "target");
        if (!type.isInterface()) {
            throw new IllegalArgumentException("CachedProxy.of proxies interfaces, and " + type.getName()
                    + " is a class: use CachedProxy.subclass(" + type.getSimpleName() + ".class, constructor arguments...)");
        }
        if (!type.isInstance(target)) {
            throw new IllegalArgumentException("the target, a " + target.getClass().getName() + ", does not implement " + type.getName());
        }
        CachedInvocationHandler handler = new CachedInvocationHandler(manager, type, target);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /**
     * A class proxy on {@link CacheManager#global()}.
     *
     * @see #subclass(CacheManager, Class, Object...)
     */
    public static <T> T subclass(Class<T> type, Object... constructorArgs) {
        return subclass(CacheManager.global(), type, constructorArgs);
    }

    /**
     * A new instance of a generated subclass of {@code type} that caches its {@link Cached}
     * methods in {@code manager}'s caches, created through the constructor of {@code type} that
     * accepts {@code constructorArgs} (the most specific one when several do; primitives take
     * their boxed values; no varargs spreading). The annotations ({@code @Cached},
     * {@code @CacheInvalidate}, {@code @CacheUpdate}) are read from the most specific declaration
     * that has them: the class's method, a superclass's, or an interface's (default methods are
     * intercepted too); the method must be one a subclass can override (not private, static or
     * final). Default keys carry {@code type}.
     *
     * <p>Needs Byte Buddy ({@code net.bytebuddy:byte-buddy}), an optional dependency of this
     * library: without it this method throws {@link IllegalStateException} naming it.
     *
     * @throws IllegalArgumentException when {@code type} cannot be subclassed (interface, final,
     *     sealed, abstract, record, enum), no constructor accepts the arguments, or a
     *     {@code @Cached} annotation is invalid
     */
    public static <T> T subclass(CacheManager manager, Class<T> type, Object... constructorArgs) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(type, "type");
        requireByteBuddy();
        return CachedSubclasses.create(manager, type, constructorArgs == null ? new Object[0] : constructorArgs);
    }

    /** Byte Buddy is an optional dependency that only class proxies need: its absence gets a clear error. */
    private static void requireByteBuddy() {
        try {
            Class.forName("net.bytebuddy.ByteBuddy", false, CachedProxy.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("CachedProxy.subclass generates a subclass with Byte Buddy, which is not on "
                    + "the classpath: add the dependency net.bytebuddy:byte-buddy, or proxy an interface with "
                    + "CachedProxy.of", e);
        }
    }

    /**
     * A function whose results are cached, keyed {@code {name}:{hash of the argument}} (see
     * {@link CanonicalKey#forName}). The function runs in the calling thread on a miss, once at a
     * time per key; what it throws reaches the caller and nothing is stored. A {@code null}
     * result is stored unless {@code options} skip it.
     *
     * <pre>{@code
     * Function<Integer, User> byId = CachedProxy.function(() -> manager.getCache("users"), "users.byId",
     *         GetOrSetOptions.<User>defaults().skipCacheIf(Objects::isNull).type(User.class), db::findUser);
     * }</pre>
     *
     * @param cache the cache, looked up at every call ({@code manager::cache} for the default
     *     cache); a cache not set up fails the call with its {@code not initialized} error
     * @param name the function's stable identity, part of every key; functions sharing a name
     *     share entries
     * @param options TTL, skip predicate and type of the stored values
     * @param function the function; its argument must be a type the default key accepts
     *     (a record of such values for several)
     * @throws IllegalArgumentException (from the returned function) when the argument cannot be
     *     part of a key
     */
    public static <A, R> Function<A, R> function(Supplier<? extends ZodiacCache> cache, String name, GetOrSetOptions<R> options,
            Function<? super A, ? extends R> function) {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(function, "function");
        CanonicalKey key = CanonicalKey.forName(name);
        return argument -> cache(cache, name).blocking().getOrSet(key.build(new Object[] {argument}),
                () -> function.apply(argument), options);
    }

    /**
     * {@link #function} for a function that returns a future: the returned function's futures
     * come from {@link ZodiacCache#getOrSet}; a failed future is not stored.
     */
    public static <A, R> Function<A, CompletableFuture<R>> asyncFunction(Supplier<? extends ZodiacCache> cache, String name,
            GetOrSetOptions<R> options, Function<? super A, ? extends CompletionStage<R>> function) {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(function, "function");
        CanonicalKey key = CanonicalKey.forName(name);
        return argument -> cache(cache, name).getOrSet(key.build(new Object[] {argument}), () -> function.apply(argument), options);
    }

    private static ZodiacCache cache(Supplier<? extends ZodiacCache> cache, String name) {
        return Objects.requireNonNull(cache.get(), () -> "the cache supplier of cached function '" + name + "' returned null");
    }
}
