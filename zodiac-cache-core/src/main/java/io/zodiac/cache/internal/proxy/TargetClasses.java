package io.zodiac.cache.internal.proxy;

import java.lang.reflect.Proxy;

/**
 * The class whose name a default key carries: the user's class behind a proxy class (a
 * {@code CachedProxy.subclass} class, a Spring CGLIB class, another Byte Buddy class), or
 * {@code null} when the class has no name that is the same in every JVM (a lambda, a JDK proxy).
 */
final class TargetClasses {

    private TargetClasses() {
    }

    static Class<?> userClass(Class<?> type) {
        Class<?> current = type;
        while (current != null && generated(current.getName()) && current.getSuperclass() != null
                && current.getSuperclass() != Object.class) {
            current = current.getSuperclass();
        }
        if (current == null || current.isHidden() || Proxy.isProxyClass(current) || current.isSynthetic()) {
            return null;
        }
        return current;
    }

    /** Names of generated subclasses: ours, Spring's CGLIB ({@code $$SpringCGLIB$$}, {@code $$EnhancerBy...}), Byte Buddy's. */
    private static boolean generated(String name) {
        return name.endsWith(CachedSubclasses.SUFFIX) || name.contains("$$") || name.contains("$ByteBuddy$");
    }
}
