package io.zodiac.cache.internal.proxy;

import io.zodiac.cache.CacheManager;
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
 * The handler of {@link CachedProxy#of} proxies: methods with cache annotations go through their
 * {@link CacheOperation}; every other method, {@code equals}, {@code hashCode} and {@code toString}
 * included, goes straight to the target.
 */
public final class CachedInvocationHandler implements InvocationHandler {

    private static final Object[] NO_ARGS = {};

    /** Compiled methods per target class and proxied interface: reflection once per pair, not per proxy. */
    private static final ClassValue<ConcurrentMap<Class<?>, Map<Method, CacheOperation>>> COMPILED = new ClassValue<>() {
        @Override
        protected ConcurrentMap<Class<?>, Map<Method, CacheOperation>> computeValue(Class<?> targetClass) {
            return new ConcurrentHashMap<>();
        }
    };

    private final CacheManager manager;
    private final Object target;
    private final Map<Method, CacheOperation> cached;

    public CachedInvocationHandler(CacheManager manager, Class<?> type, Object target) {
        this.manager = manager;
        this.target = target;
        Class<?> targetClass = target.getClass();
        ConcurrentMap<Class<?>, Map<Method, CacheOperation>> compiled = COMPILED.get(targetClass);
        Map<Method, CacheOperation> methods = compiled.get(type);
        if (methods == null) {
            // compiled outside the map: key builders' constructors may create proxies themselves
            Map<Method, CacheOperation> fresh = compile(type, targetClass);
            methods = compiled.putIfAbsent(type, fresh);
            methods = methods == null ? fresh : methods;
        }
        this.cached = methods;
    }

    /**
     * The annotated methods of the interface, found on the target class's implementation, its
     * superclasses or the interfaces (see {@link CacheAnnotations}). Default keys carry the target
     * class, or the interface when the target's class has no stable name (a lambda, a JDK proxy).
     */
    private static Map<Method, CacheOperation> compile(Class<?> type, Class<?> targetClass) {
        Class<?> userClass = TargetClasses.userClass(targetClass);
        Class<?> keyClass = userClass != null ? userClass : type;
        Map<Method, CacheOperation> methods = new HashMap<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || CachedMethod.isObjectMethod(method)) {
                continue;
            }
            CacheOperation operation = CacheAnnotations.compile(method, targetClass, type, keyClass);
            if (operation != null) {
                methods.put(method, operation);
            }
        }
        return Map.copyOf(methods);
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        Object[] arguments = args == null ? NO_ARGS : args;
        CacheOperation cachedMethod = cached.get(method);
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
