package io.zodiac.cache.internal.proxy;

import io.zodiac.cache.CacheInvalidate;
import io.zodiac.cache.CacheUpdate;
import io.zodiac.cache.Cached;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the cache annotations ({@link Cached}, {@link CacheInvalidate}, {@link CacheUpdate}) of a
 * method as it runs on a target class, and compiles them. They are looked up on the most
 * specific declaration that has any: the class's own method, then its superclasses', then the
 * methods of the interfaces the class implements (nearest first). Where a class method and an
 * interface method both have them, they must agree.
 */
final class CacheAnnotations {

    /** The annotations of one declaration. */
    record Found(Method declaration, Cached cached, List<CacheInvalidate> invalidates, CacheUpdate update) {

        private static Found on(Method method) {
            Cached cached = method.getAnnotation(Cached.class);
            List<CacheInvalidate> invalidates = List.of(method.getAnnotationsByType(CacheInvalidate.class));
            CacheUpdate update = method.getAnnotation(CacheUpdate.class);
            return cached == null && invalidates.isEmpty() && update == null ? null : new Found(method, cached, invalidates, update);
        }

        private boolean sameAs(Found other) {
            return java.util.Objects.equals(cached, other.cached) && invalidates.equals(other.invalidates)
                    && java.util.Objects.equals(update, other.update);
        }
    }

    private CacheAnnotations() {
    }

    /** {@code true} when {@code method} itself carries one of the annotations. */
    static boolean annotated(Method method) {
        return Found.on(method) != null;
    }

    /**
     * The annotations of {@code name(parameterTypes)} on {@code targetClass}, or {@code null}.
     *
     * @throws IllegalArgumentException when a class and an interface annotate the method differently
     */
    static Found find(Class<?> targetClass, String name, Class<?>[] parameterTypes) {
        Found onClass = null;
        for (Class<?> c = targetClass; c != null && c != Object.class && onClass == null; c = c.getSuperclass()) {
            Method declared = declared(c, name, parameterTypes);
            onClass = declared == null ? null : Found.on(declared);
        }
        Found onInterface = null;
        Deque<Class<?>> pending = new ArrayDeque<>();
        Set<Class<?>> seen = new HashSet<>();
        for (Class<?> c = targetClass; c != null; c = c.getSuperclass()) {
            pending.addAll(Arrays.asList(c.getInterfaces()));
        }
        if (targetClass.isInterface()) {
            pending.addFirst(targetClass);
        }
        while (!pending.isEmpty() && onInterface == null) {
            Class<?> type = pending.poll();
            if (!seen.add(type)) {
                continue;
            }
            Method declared = declared(type, name, parameterTypes);
            onInterface = declared == null ? null : Found.on(declared);
            pending.addAll(Arrays.asList(type.getInterfaces()));
        }
        if (onClass != null && onInterface != null && !onClass.sameAs(onInterface)) {
            throw new IllegalArgumentException(CachedMethod.describe(onInterface.declaration()) + " is annotated differently on "
                    + onClass.declaration().getDeclaringClass().getName() + ": " + describe(onInterface) + " vs "
                    + describe(onClass) + "; annotate one of them");
        }
        return onClass != null ? onClass : onInterface;
    }

    /**
     * The compiled operation of {@code method} (as the proxy intercepts it) on objects of
     * {@code targetClass}, or {@code null} when it has no cache annotation.
     *
     * @param boundType the type the proxy is created for ({@code includeCls})
     * @param keyClass the class whose name the default key carries
     */
    static CacheOperation compile(Method method, Class<?> targetClass, Class<?> boundType, Class<?> keyClass) {
        Found found = find(targetClass, method.getName(), method.getParameterTypes());
        if (found == null) {
            return null;
        }
        if (found.cached() != null) {
            if (!found.invalidates().isEmpty() || found.update() != null) {
                throw new IllegalArgumentException("@Cached " + CachedMethod.describe(method) + " also has @CacheInvalidate or "
                        + "@CacheUpdate: a method either reads through the cache (@Cached) or writes to it; split it in two");
            }
            return CachedMethod.compile(method, found.declaration(), found.cached(), boundType, keyClass);
        }
        return WritingMethod.compile(method, found.declaration(), found.invalidates(), found.update());
    }

    private static Method declared(Class<?> type, String name, Class<?>[] parameterTypes) {
        try {
            Method method = type.getDeclaredMethod(name, parameterTypes);
            return method.isBridge() ? null : method;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static String describe(Found found) {
        StringBuilder text = new StringBuilder();
        if (found.cached() != null) {
            text.append(found.cached());
        }
        found.invalidates().forEach(i -> text.append(text.length() == 0 ? "" : " ").append(i));
        if (found.update() != null) {
            text.append(text.length() == 0 ? "" : " ").append(found.update());
        }
        return text.toString();
    }
}
