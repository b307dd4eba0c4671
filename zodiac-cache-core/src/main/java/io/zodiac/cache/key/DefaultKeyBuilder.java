package io.zodiac.cache.key;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The default key, {@code {target class}:{method}:{hash}} (see {@link CanonicalKey}), and the
 * value of {@link io.zodiac.cache.Cached#keyBuilder()} that means "no key builder given":
 * leaving the element out, or naming this class, selects the default key, to which
 * {@code includeCls} applies.
 *
 * <p>Called directly (from a custom builder that decorates the default key, for instance), it
 * keys the call by the target's class (the method's declaring class when the target is
 * {@code null}) and compiles each method's key once per class.
 */
public final class DefaultKeyBuilder implements KeyBuilder {

    /** The compiled keys of the methods run on each target class. */
    private static final ClassValue<ConcurrentMap<Method, CanonicalKey>> KEYS = new ClassValue<>() {
        @Override
        protected ConcurrentMap<Method, CanonicalKey> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /** A builder; it holds no state of its own. */
    public DefaultKeyBuilder() {
    }

    /**
     * The default key of the call, without any class scope.
     *
     * @throws IllegalArgumentException when an argument has a type the key cannot encode
     */
    @Override
    public String build(Object target, Method method, Object... args) {
        Class<?> targetClass = target == null ? method.getDeclaringClass() : target.getClass();
        ConcurrentMap<Method, CanonicalKey> keys = KEYS.get(targetClass);
        CanonicalKey key = keys.get(method);
        if (key == null) {
            key = keys.computeIfAbsent(method, m -> CanonicalKey.forMethod(targetClass, m));
        }
        return key.build(args);
    }
}
