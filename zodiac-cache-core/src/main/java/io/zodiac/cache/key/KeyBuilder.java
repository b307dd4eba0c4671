package io.zodiac.cache.key;

import java.lang.reflect.Method;

/**
 * Builds the cache key of one call of a {@link io.zodiac.cache.Cached @Cached} method: Spring's
 * {@code KeyGenerator} shape.
 *
 * <pre>{@code
 * public final class UserKeys implements KeyBuilder {
 *     public String build(Object target, Method method, Object... args) {
 *         return "user:" + ((User) args[0]).id();
 *     }
 * }
 *
 * @Cached(keyBuilder = UserKeys.class)
 * Profile profile(User user);
 * }</pre>
 *
 * <p>An implementation needs a no-argument constructor (it may be non-public). The proxies create
 * one instance per method and proxied class and share it between threads, so it must be
 * thread-safe. A custom builder replaces the default key entirely: {@code includeCls} is not
 * applied, and the key it returns (never {@code null}) is used as is,
 * under the cache's namespace.
 */
@FunctionalInterface
public interface KeyBuilder {

    /**
     * The key of one call.
     *
     * @param target the object the method runs on: the proxied target of an interface proxy, the
     *     proxy itself for a class proxy
     * @param method the {@code @Cached} method, as declared where the proxy intercepts it
     * @param args the call's arguments (an empty array for none)
     * @return the key, never {@code null}
     */
    String build(Object target, Method method, Object... args);
}
