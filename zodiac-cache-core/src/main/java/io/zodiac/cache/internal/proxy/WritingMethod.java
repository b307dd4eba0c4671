package io.zodiac.cache.internal.proxy;

import io.zodiac.cache.CacheInvalidate;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUpdate;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.internal.ManagerAccess;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * One method with {@link CacheInvalidate} and/or {@link CacheUpdate}, compiled once: after the
 * method returns normally (its future, {@code Mono} or {@code Flux} completes normally), the
 * invalidations run in order, then the update; the caller gets the result once they are done.
 * The caches are looked up before the method runs (a cache not set up fails the call without
 * running it); the keys are built after it, from the arguments as the method left them.
 */
final class WritingMethod implements CacheOperation {

    /** One invalidation: a key, or every entry ({@code key == null}). */
    private record Invalidation(String cacheName, KeyTemplate key) {
    }

    /** The update: the key and TTL the return value is stored with. */
    private record Update(String cacheName, KeyTemplate key, Duration ttl) {
    }

    private final Method method;
    private final ReturnKind kind;
    private final List<Invalidation> invalidations;
    private final Update update;

    private WritingMethod(Method method, ReturnKind kind, List<Invalidation> invalidations, Update update) {
        this.method = method;
        this.kind = kind;
        this.invalidations = invalidations;
        this.update = update;
    }

    /**
     * Compiles a method.
     *
     * @param annotated the declaration that carries the annotations (its parameter names serve the key templates)
     * @throws IllegalArgumentException naming the method and the problem
     */
    static WritingMethod compile(Method method, Method annotated, List<CacheInvalidate> invalidates, CacheUpdate updates) {
        ReturnKind kind = ReturnKind.of(method);
        List<Invalidation> invalidations = new ArrayList<>();
        for (CacheInvalidate invalidate : invalidates) {
            String name = cacheName(invalidate.name());
            if (invalidate.allEntries()) {
                if (!invalidate.key().isEmpty()) {
                    throw invalid("@CacheInvalidate", method, "it has both allEntries = true and key = \"" + invalidate.key()
                            + "\"; give one of them");
                }
                invalidations.add(new Invalidation(name, null));
            } else if (invalidate.key().isEmpty()) {
                throw invalid("@CacheInvalidate", method, "it names no key: give key = \"...\" (a template such as "
                        + "\"user:{id}\"), or allEntries = true");
            } else {
                invalidations.add(new Invalidation(name, KeyTemplate.compile("@CacheInvalidate", annotated, invalidate.key())));
            }
        }
        Update update = null;
        if (updates != null) {
            Class<?> returned = method.getReturnType();
            if (returned == void.class || returned == Void.class) {
                throw invalid("@CacheUpdate", method, "it returns void: there is no value to store");
            }
            String uncacheable = ReturnKind.uncacheable(method.getGenericReturnType());
            if (uncacheable != null) {
                throw invalid("@CacheUpdate", method, "it returns " + uncacheable);
            }
            if (updates.key().isEmpty()) {
                throw invalid("@CacheUpdate", method, "it names no key: give key = \"...\", the template of the @Cached read");
            }
            if (updates.ttl() < -1) {
                throw invalid("@CacheUpdate", method, "ttl = " + updates.ttl()
                        + "; use -1 (the cache's default TTL), 0 (no expiry) or a positive number of seconds");
            }
            update = new Update(cacheName(updates.name()), KeyTemplate.compile("@CacheUpdate", annotated, updates.key()),
                    updates.ttl() == -1 ? null : Duration.ofSeconds(updates.ttl()));
        }
        method.trySetAccessible();
        return new WritingMethod(method, kind, List.copyOf(invalidations), update);
    }

    private static String cacheName(String name) {
        return name.isEmpty() ? CacheManager.DEFAULT_CACHE_NAME : name;
    }

    @Override
    public Object invoke(CacheManager manager, Object receiver, Object[] args, CachedInvoker.Invocation invocation) throws Throwable {
        List<DefaultZodiacCache> invalidated = new ArrayList<>(invalidations.size());
        for (Invalidation invalidation : invalidations) {
            invalidated.add(ManagerAccess.cache(manager, invalidation.cacheName()));
        }
        DefaultZodiacCache updated = update == null ? null : ManagerAccess.cache(manager, update.cacheName());
        Object result = invocation != null ? invocation.proceed() : call(receiver, args);
        return switch (kind) {
            case PLAIN -> {
                await(apply(invalidated, updated, args, result));
                yield result;
            }
            case FUTURE -> result == null ? null
                    : ((CompletionStage<?>) result).thenCompose(value -> apply(invalidated, updated, args, value).thenApply(done -> value))
                            .toCompletableFuture();
            case MONO, FLUX -> Reactive.after(kind, result, value -> apply(invalidated, updated, args, value));
        };
    }

    /** The invalidations, in order, then the update; completes when all are done, failed by the first failure. */
    private CompletableFuture<?> apply(List<DefaultZodiacCache> invalidated, DefaultZodiacCache updated, Object[] args, Object value) {
        CompletableFuture<?> done = CompletableFuture.completedFuture(null);
        for (int i = 0; i < invalidations.size(); i++) {
            DefaultZodiacCache cache = invalidated.get(i);
            KeyTemplate key = invalidations.get(i).key();
            done = done.thenCompose(ignored -> key == null ? cache.clear() : cache.delete(key.render(args)));
        }
        if (update != null) {
            done = done.thenCompose(ignored -> {
                String key = update.key().render(args);
                if (value == null) {
                    return updated.delete(key);
                }
                return update.ttl() == null ? updated.set(key, value) : updated.set(key, value, update.ttl());
            });
        }
        return done;
    }

    private static void await(CompletableFuture<?> done) throws Throwable {
        try {
            done.get();
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private Object call(Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static IllegalArgumentException invalid(String annotation, Method method, String problem) {
        return new IllegalArgumentException(annotation + " " + CachedMethod.describe(method) + ": " + problem);
    }
}
