package io.zodiac.cache.internal.proxy;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.Cached;
import io.zodiac.cache.CachedProxy;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The handler of {@link CachedProxy#of} proxies: {@link Cached} methods go through their
 * {@link CachedMethod}; every other method, {@code equals}, {@code hashCode} and {@code toString}
 * included, goes straight to the target.
 */
public final class CachedInvocationHandler implements InvocationHandler {

    private static final Object[] NO_ARGS = {};

    /** Compiled methods per target class and proxied interface: reflection once per pair, not per proxy. */
    private static final ClassValue<ConcurrentMap<Class<?>, Map<Method, CachedMethod>>> COMPILED = new ClassValue<>() {
        @Override
        protected ConcurrentMap<Class<?>, Map<Method, CachedMethod>> computeValue(Class<?> targetClass) {
            return new ConcurrentHashMap<>();
        }
    };

    private final CacheManager manager;
    private final Object target;
    private final Map<Method, CachedMethod> cached;

    public CachedInvocationHandler(CacheManager manager, Class<?> type, Object target) {
        this.manager = manager;
        this.target = target;
        Class<?> targetClass = target.getClass();
        ConcurrentMap<Class<?>, Map<Method, CachedMethod>> compiled = COMPILED.get(targetClass);
        Map<Method, CachedMethod> methods = compiled.get(type);
        if (methods == null) {
            // compiled outside the map: key builders' constructors may create proxies themselves
            Map<Method, CachedMethod> fresh = compile(type, targetClass);
            methods = compiled.putIfAbsent(type, fresh);
            methods = methods == null ? fresh : methods;
        }
        this.cached = methods;
    }

    /** The {@code @Cached} methods of the interface, found on it or on the target class's implementation. */
    private static Map<Method, CachedMethod> compile(Class<?> type, Class<?> targetClass) {
        Map<Method, CachedMethod> methods = new HashMap<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || CachedMethod.isObjectMethod(method)) {
                continue;
            }
            Cached cached = annotation(method, targetClass);
            if (cached != null) {
                methods.put(method, CachedMethod.compile(method, cached, type, targetClass));
            }
        }
        return Map.copyOf(methods);
    }

    private static Cached annotation(Method method, Class<?> targetClass) {
        Cached declared = method.getAnnotation(Cached.class);
        Cached implemented;
        try {
            implemented = targetClass.getMethod(method.getName(), method.getParameterTypes()).getAnnotation(Cached.class);
        } catch (NoSuchMethodException e) {
            implemented = null;
        }
        if (declared != null && implemented != null && !declared.equals(implemented)) {
            throw new IllegalArgumentException("@Cached " + CachedMethod.describe(method) + " is annotated differently on "
                    + targetClass.getName() + ": " + declared + " vs " + implemented + "; annotate one of them");
        }
        return declared != null ? declared : implemented;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Object[] arguments = args == null ? NO_ARGS : args;
        CachedMethod cachedMethod = cached.get(method);
        if (cachedMethod != null) {
            return cachedMethod.invoke(manager, target, arguments, null); // null: the target's own method on a miss
        }
        if (method.getDeclaringClass() == Object.class && method.getName().equals("equals")) {
            return target.equals(unwrap(arguments[0]));
        }
        return passThrough(method, arguments);
    }

    private Object passThrough(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } catch (IllegalAccessException e) {
            // a non-public interface: its methods need opening once
            if (!method.trySetAccessible()) {
                throw new IllegalStateException("cannot call " + method + " on the target of a CachedProxy", e);
            }
            return passThrough(method, args);
        }
    }

    /** {@code proxy.equals(proxy)} holds: another CachedProxy compares as its target. */
    private static Object unwrap(Object other) {
        if (other != null && Proxy.isProxyClass(other.getClass())
                && Proxy.getInvocationHandler(other) instanceof CachedInvocationHandler handler) {
            return handler.target;
        }
        return other;
    }
}
