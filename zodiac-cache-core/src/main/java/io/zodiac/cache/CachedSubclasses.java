package io.zodiac.cache;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.FieldPersistence;
import net.bytebuddy.description.modifier.SyntheticState;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.MethodDelegation;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * The class proxies of {@link CachedProxy#subclass}: one generated subclass per proxied class
 * (Byte Buddy), whose {@link Cached} methods call a {@link SubclassInterceptor} that holds the
 * method's compiled {@link CachedMethod}. Each instance carries its {@link CacheManager} in a
 * private transient field, set right after construction; calls made by the constructor itself
 * run uncached.
 */
final class CachedSubclasses {

    /** The generated field holding an instance's manager. */
    static final String MANAGER_FIELD = "zodiac$cacheManager";

    private static final Object GENERATE_LOCK = new Object();

    private static final ClassValue<Generated> GENERATED = new ClassValue<>() {
        @Override
        protected Generated computeValue(Class<?> type) {
            synchronized (GENERATE_LOCK) {
                return generate(type);
            }
        }
    };

    private record Generated(Class<?> proxyClass, Field managerField) {
    }

    private CachedSubclasses() {
    }

    /** A new instance of the generated subclass of {@code type}, built with {@code args}. */
    static <T> T create(CacheManager manager, Class<T> type, Object[] args) {
        Generated generated = GENERATED.get(type);
        Constructor<?> constructor = constructor(generated.proxyClass(), type, args);
        Object instance;
        try {
            instance = constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("the constructor of " + type.getName() + " threw " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a " + type.getName() + " proxy: " + e, e);
        }
        try {
            generated.managerField().set(instance, manager);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set up the " + type.getName() + " proxy: " + e, e);
        }
        return type.cast(instance);
    }

    private static Generated generate(Class<?> type) {
        check(type);
        DynamicType.Builder<?> builder = new ByteBuddy()
                .subclass(type, ConstructorStrategy.Default.IMITATE_SUPER_CLASS_OPENING)
                .name(type.getName() + "$ZodiacCached")
                .defineField(MANAGER_FIELD, CacheManager.class, Visibility.PRIVATE, FieldPersistence.TRANSIENT, SyntheticState.SYNTHETIC);
        for (Method method : cachedMethods(type)) {
            CachedMethod compiled = CachedMethod.compile(method, method.getAnnotation(Cached.class), type, type);
            builder = builder.method(ElementMatchers.is(method)).intercept(MethodDelegation.withDefaultConfiguration()
                    .filter(ElementMatchers.named("intercept"))
                    .to(new SubclassInterceptor(compiled)));
        }
        Class<?> proxyClass;
        try (DynamicType.Unloaded<?> unloaded = builder.make()) {
            proxyClass = unloaded.load(type.getClassLoader(), loadingStrategy(type)).getLoaded();
        }
        try {
            Field field = proxyClass.getDeclaredField(MANAGER_FIELD);
            field.setAccessible(true);
            return new Generated(proxyClass, field);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("generated " + proxyClass.getName() + " lacks its manager field", e);
        }
    }

    private static void check(Class<?> type) {
        String problem = null;
        if (type.isInterface()) {
            problem = "it is an interface: use CachedProxy.of(manager, " + type.getSimpleName() + ".class, target)";
        } else if (type.isPrimitive() || type.isArray() || type.isEnum() || type.isRecord()) {
            problem = "only plain classes can be subclassed";
        } else if (Modifier.isFinal(type.getModifiers())) {
            problem = "it is final";
        } else if (type.isSealed()) {
            problem = "it is sealed";
        } else if (Modifier.isAbstract(type.getModifiers())) {
            problem = "it is abstract: proxy a concrete class, or an interface with CachedProxy.of";
        } else if (type.isHidden()) {
            problem = "it is a hidden class";
        }
        if (problem != null) {
            throw new IllegalArgumentException("CachedProxy.subclass cannot proxy " + type.getName() + ": " + problem);
        }
    }

    /**
     * The {@code @Cached} methods a subclass can override: the most specific declaration of each
     * signature in the class hierarchy. An annotated method that cannot be overridden is an error.
     */
    private static List<Method> cachedMethods(Class<?> type) {
        List<Method> methods = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (method.isBridge() || method.isSynthetic()) {
                    continue;
                }
                boolean annotated = method.isAnnotationPresent(Cached.class);
                int modifiers = method.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isPrivate(modifiers)) {
                    if (annotated) {
                        throw notOverridable(method, Modifier.isStatic(modifiers) ? "static" : "private");
                    }
                    continue;
                }
                if (!seen.add(method.getName() + Arrays.toString(method.getParameterTypes())) || !annotated || CachedMethod.isObjectMethod(method)) {
                    continue;
                }
                if (Modifier.isFinal(modifiers)) {
                    throw notOverridable(method, "final");
                }
                methods.add(method);
            }
        }
        return methods;
    }

    private static IllegalArgumentException notOverridable(Method method, String modifier) {
        return new IllegalArgumentException("@Cached " + CachedMethod.describe(method) + " cannot be cached: it is "
                + modifier + ", and a class proxy intercepts only methods it can override");
    }

    /** Into the proxied class's own package and loader when it is open to us (the class path); else a child loader. */
    private static ClassLoadingStrategy<ClassLoader> loadingStrategy(Class<?> type) {
        try {
            return ClassLoadingStrategy.UsingLookup.of(MethodHandles.privateLookupIn(type, MethodHandles.lookup()));
        } catch (IllegalAccessException e) {
            return ClassLoadingStrategy.Default.WRAPPER;
        }
    }

    /** The one public constructor of the generated class that accepts {@code args}; the most specific when several do. */
    private static Constructor<?> constructor(Class<?> proxyClass, Class<?> type, Object[] args) {
        List<Constructor<?>> applicable = new ArrayList<>();
        for (Constructor<?> candidate : proxyClass.getConstructors()) {
            if (accepts(candidate.getParameterTypes(), args)) {
                applicable.add(candidate);
            }
        }
        List<Constructor<?>> mostSpecific = new ArrayList<>();
        for (Constructor<?> candidate : applicable) {
            boolean beaten = false;
            for (Constructor<?> other : applicable) {
                beaten |= moreSpecific(other.getParameterTypes(), candidate.getParameterTypes());
            }
            if (!beaten) {
                mostSpecific.add(candidate);
            }
        }
        if (mostSpecific.size() == 1) {
            return mostSpecific.get(0);
        }
        String arguments = Arrays.stream(args).map(a -> a == null ? "null" : a.getClass().getName()).toList().toString();
        throw new IllegalArgumentException("CachedProxy.subclass(" + type.getName() + "): "
                + (applicable.isEmpty() ? "no accessible constructor accepts " : "more than one constructor accepts ")
                + arguments + (applicable.isEmpty() ? "" : ": " + applicable));
    }

    private static boolean accepts(Class<?>[] parameters, Object[] args) {
        if (parameters.length != args.length) {
            return false;
        }
        for (int i = 0; i < parameters.length; i++) {
            Class<?> parameter = parameters[i];
            if (args[i] == null ? parameter.isPrimitive() : !CachedMethod.boxed(parameter).isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean moreSpecific(Class<?>[] a, Class<?>[] b) {
        for (int i = 0; i < a.length; i++) {
            if (!CachedMethod.boxed(b[i]).isAssignableFrom(CachedMethod.boxed(a[i]))) {
                return false;
            }
        }
        return !Arrays.equals(a, b);
    }
}
