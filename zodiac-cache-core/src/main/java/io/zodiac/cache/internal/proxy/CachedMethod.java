package io.zodiac.cache.internal.proxy;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.Cached;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.TypeRef;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.internal.ManagerAccess;
import io.zodiac.cache.key.CanonicalKey;
import io.zodiac.cache.key.DefaultKeyBuilder;
import io.zodiac.cache.key.KeyBuilder;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * One {@link Cached} method of one target class, compiled once: the cache name, the getOrSet
 * options (TTL, refresh-ahead, null TTL, skip predicate, the type to read values as), how the
 * result is delivered ({@link ReturnKind}) and the key (a template, the compiled default key or a
 * custom key builder). A call costs a cache lookup by name, the key and the getOrSet; nothing
 * reflective.
 */
final class CachedMethod implements CacheOperation {

    private final Method method;
    private final String cacheName;
    private final ReturnKind kind;
    private final GetOrSetOptions<Object> options;
    /** The key template, or {@code null}. */
    private final KeyTemplate template;
    /** The default key, or {@code null} when a template or a custom builder is given. */
    private final CanonicalKey defaultKey;
    private final KeyBuilder keyBuilder;

    private CachedMethod(Method method, String cacheName, ReturnKind kind, GetOrSetOptions<Object> options,
            KeyTemplate template, CanonicalKey defaultKey, KeyBuilder keyBuilder) {
        this.method = method;
        this.cacheName = cacheName;
        this.kind = kind;
        this.options = options;
        this.template = template;
        this.defaultKey = defaultKey;
        this.keyBuilder = keyBuilder;
    }

    /**
     * Compiles a method.
     *
     * @param method the method as the proxy intercepts it
     * @param annotated the declaration that carries the annotation (its parameter names serve the key template)
     * @param boundType the type the proxy is created for ({@code includeCls})
     * @param targetClass the implementation whose name the default key carries; the return type's
     *     type variables are resolved against it
     * @throws IllegalArgumentException when the annotation or the method cannot be cached; the
     *     message names the method
     */
    static CachedMethod compile(Method method, Method annotated, Cached cached, Class<?> boundType, Class<?> targetClass) {
        Class<?> returned = method.getReturnType();
        if (returned == void.class || returned == Void.class) {
            throw invalid(method, "it returns void: there is no result to cache");
        }
        String uncacheable = ReturnKind.uncacheable(method.getGenericReturnType());
        if (uncacheable != null) {
            throw invalid(method, "it returns " + uncacheable);
        }
        ReturnKind kind = ReturnKind.of(method);
        if (kind == ReturnKind.PLAIN && (CompletionStage.class.isAssignableFrom(returned) || Future.class.isAssignableFrom(returned))) {
            throw invalid(method, "it returns " + returned.getName() + "; async methods must return CompletableFuture or CompletionStage");
        }
        Duration ttl = ttl(method, "ttl", cached.ttl(), true);
        Duration refreshAfter = ttl(method, "refreshAfter", cached.refreshAfter(), false);
        if (refreshAfter != null && ttl != null && !ttl.isZero() && refreshAfter.compareTo(ttl) >= 0) {
            throw invalid(method, "refreshAfter = " + cached.refreshAfter() + " is not shorter than ttl = " + cached.ttl());
        }
        GetOrSetOptions<Object> options = GetOrSetOptions.defaults()
                .ttl(ttl)
                .refreshAfter(refreshAfter)
                .nullTtl(ttl(method, "nullTtl", cached.nullTtl(), false))
                .skipCacheIf(skipPredicate(method, cached.skipCacheIf()))
                .type(TypeRef.of(storedType(method, kind, targetClass)));
        String cacheName = cached.name().isEmpty() ? CacheManager.DEFAULT_CACHE_NAME : cached.name();
        method.trySetAccessible(); // for call() on a non-public interface
        boolean customBuilder = cached.keyBuilder() != DefaultKeyBuilder.class;
        if (!cached.key().isEmpty()) {
            if (customBuilder) {
                throw invalid(method, "it has both key = \"" + cached.key() + "\" and keyBuilder = "
                        + cached.keyBuilder().getName() + "; give one of them");
            }
            return new CachedMethod(method, cacheName, kind, options, KeyTemplate.compile("@Cached", annotated, cached.key()),
                    null, null);
        }
        if (customBuilder) {
            KeyBuilder builder = instantiate(method, "keyBuilder", cached.keyBuilder());
            return new CachedMethod(method, cacheName, kind, options, null, null, builder);
        }
        Class<?>[] scope = cached.includeCls() ? new Class<?>[] {boundType} : new Class<?>[0];
        return new CachedMethod(method, cacheName, kind, options, null, CanonicalKey.forMethod(targetClass, method, scope), null);
    }

    /** The type values are stored and read as: the resolved value type, a list of it for a {@code Flux}. */
    static Type storedType(Method method, ReturnKind kind, Class<?> targetClass) {
        Type value = resolve(valueType(method.getGenericReturnType(), kind), method, targetClass);
        if (kind != ReturnKind.FLUX) {
            return value;
        }
        TypeFactory types = TypeFactory.defaultInstance();
        return types.constructCollectionType(List.class, types.constructType(value));
    }

    /** The getOrSet options of every call, for tests. */
    GetOrSetOptions<Object> options() {
        return options;
    }

    /**
     * The cached result of the call: from the cache, or from {@code invocation} (when it is
     * {@code null}, this method run on {@code receiver}), stored on the way. A hit in memory
     * without plugins returns at once, allocating nothing here.
     */
    @Override
    public Object invoke(CacheManager manager, Object receiver, Object[] args, CachedInvoker.Invocation invocation) throws Throwable {
        DefaultZodiacCache cache = ManagerAccess.cache(manager, cacheName);
        String key = key(receiver, args);
        CachedInvoker.Invocation run = invocation != null ? invocation : () -> call(receiver, args);
        switch (kind) {
            case MONO:
                return Reactive.mono(() -> cache.getOrSet(key, () -> produceLater(run, ReturnKind.MONO), options));
            case FLUX:
                return Reactive.flux(() -> cache.getOrSet(key, () -> produceLater(run, ReturnKind.FLUX), options));
            default:
                break;
        }
        if (options.refreshAfter() == null) { // refresh-ahead needs getOrSet to see the hit
            Object hit = cache.hitNow(key, options.type());
            if (hit != DefaultZodiacCache.NOT_HERE) {
                return kind == ReturnKind.FUTURE ? CompletableFuture.completedFuture(hit) : hit;
            }
        }
        if (kind == ReturnKind.FUTURE) {
            return cache.getOrSet(key, () -> produceLater(run, ReturnKind.FUTURE), options);
        }
        try {
            return cache.blocking().getOrSet(key, () -> produce(run), options);
        } catch (TargetFailure failure) {
            throw failure.getCause();
        }
    }

    /** Runs the method without the cache, unwrapping reflection's wrapper: what the method throws, the caller gets. */
    Object call(Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private String key(Object receiver, Object[] args) {
        if (defaultKey != null) {
            return defaultKey.build(args);
        }
        if (template != null) {
            return template.render(args);
        }
        String key = keyBuilder.build(receiver, method, args);
        if (key == null) {
            throw new IllegalStateException("keyBuilder " + keyBuilder.getClass().getName() + " returned null for "
                    + describe(method));
        }
        return key;
    }

    private static Object produce(CachedInvoker.Invocation invocation) {
        try {
            return invocation.proceed();
        } catch (Throwable t) {
            throw new TargetFailure(t);
        }
    }

    /** The value of the method's future, {@code Mono} or {@code Flux}; what the method throws, in the stage. */
    @SuppressWarnings("unchecked")
    private static CompletionStage<Object> produceLater(CachedInvoker.Invocation invocation, ReturnKind kind) {
        try {
            Object result = invocation.proceed();
            return switch (kind) {
                case MONO -> Reactive.monoValue(result);
                case FLUX -> Reactive.fluxValues(result);
                default -> (CompletionStage<Object>) result;
            };
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    /**
     * Carries what a plain method threw, checked or not, through the blocking getOrSet (whose
     * producer is a {@code Supplier}) back to the proxy, which throws the original.
     */
    private static final class TargetFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TargetFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    // ---------------------------------------------------------------- compile helpers

    /** A duration element in seconds: -1 means none ({@code null}); 0 (where {@code zeroAllowed}: no expiry) or positive. */
    private static Duration ttl(Method method, String element, long seconds, boolean zeroAllowed) {
        if (seconds == -1) {
            return null;
        }
        if (seconds < 0 || (seconds == 0 && !zeroAllowed)) {
            throw invalid(method, element + " = " + seconds + "; use -1 (" + (zeroAllowed ? "the cache's default TTL), 0 (no expiry)"
                    : "none)") + " or a positive number of seconds");
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * The type of the cached value: the return type, the future's or the {@code Mono}'s type
     * argument, or the {@code Flux}'s element type (stored as a list of them); primitives boxed.
     */
    static Type valueType(Type returned, ReturnKind kind) {
        Type type = returned;
        if (kind != ReturnKind.PLAIN) {
            type = returned instanceof ParameterizedType future ? future.getActualTypeArguments()[0] : Object.class;
            if (type instanceof WildcardType wildcard) {
                type = wildcard.getUpperBounds()[0];
            }
        }
        return type instanceof Class<?> c ? boxed(c) : type;
    }

    /**
     * Resolves the type variables of a generic declaring type against the receiver's class:
     * {@code T find(int)} of {@code Repo<T>} is {@code User find(int)} on a
     * {@code UserRepo implements Repo<User>}, so typed reads give a {@code User} back.
     */
    private static Type resolve(Type type, Method method, Class<?> receiverClass) {
        if (type instanceof Class<?> || type instanceof JavaType || receiverClass == null) {
            return type;
        }
        TypeFactory types = TypeFactory.defaultInstance();
        JavaType declaring = types.constructType(receiverClass).findSuperType(method.getDeclaringClass());
        return declaring == null ? type : types.resolveMemberType(type, declaring.getBindings());
    }

    /** The wrapper class of a primitive type; other types unchanged. */
    static Class<?> boxed(Class<?> type) {
        return type.isPrimitive() ? MethodType.methodType(type).wrap().returnType() : type;
    }

    /** {@code equals}, {@code hashCode}, {@code toString} and the other public methods of Object: never cached. */
    static boolean isObjectMethod(Method method) {
        try {
            Object.class.getMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The skip predicate; it is applied to results of the method's return type only. */
    @SuppressWarnings("unchecked")
    private static Predicate<Object> skipPredicate(Method method, Class<? extends Predicate<?>> type) {
        return (Predicate<Object>) instantiate(method, "skipCacheIf", type);
    }

    private static <T> T instantiate(Method method, String element, Class<T> type) {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw invalid(method, element + " = " + type.getName() + " is abstract; give a concrete class");
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor();
            constructor.trySetAccessible();
            return constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw invalid(method, element + " = " + type.getName() + " has no no-argument constructor");
        } catch (InvocationTargetException e) {
            IllegalArgumentException failure = invalid(method, element + " = " + type.getName() + " failed in its constructor: " + e.getCause());
            failure.initCause(e.getCause());
            throw failure;
        } catch (ReflectiveOperationException e) {
            throw invalid(method, element + " = " + type.getName() + " cannot be instantiated: " + e);
        }
    }

    private static IllegalArgumentException invalid(Method method, String problem) {
        return new IllegalArgumentException("@Cached " + describe(method) + " cannot be cached: " + problem);
    }

    /** {@code com.acme.Users.find(int, java.lang.String)}, for messages. */
    static String describe(Method method) {
        StringBuilder text = new StringBuilder(method.getDeclaringClass().getName()).append('.').append(method.getName()).append('(');
        Class<?>[] parameters = method.getParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            text.append(i == 0 ? "" : ", ").append(parameters[i].getTypeName());
        }
        return text.append(')').toString();
    }
}
