package io.zodiac.cache.key;

import java.lang.reflect.Method;

/**
 * The default key, {@code {declaring class}:{method}:{hash}} (see {@link CanonicalKey}), and the
 * value of {@link io.zodiac.cache.Cached#keyBuilder()} that means "no key builder given":
 * leaving the element out, or naming this class, selects the default key, to which
 * {@code includeSelf} and {@code includeCls} apply.
 *
 * <p>Called directly (from a custom builder that decorates the default key, for instance), it
 * compiles the method's key on every call; the proxies compile it once per method.
 */
public final class DefaultKeyBuilder implements KeyBuilder {

    /** A builder; it holds no state. */
    public DefaultKeyBuilder() {
    }

    /**
     * The default key of the call, without any class scope.
     *
     * @throws IllegalArgumentException when an argument has a type the key cannot encode
     */
    @Override
    public String build(Object target, Method method, Object... args) {
        return CanonicalKey.forMethod(method).build(args);
    }
}
