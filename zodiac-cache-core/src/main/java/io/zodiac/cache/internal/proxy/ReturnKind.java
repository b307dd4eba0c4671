package io.zodiac.cache.internal.proxy;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

/**
 * How a cached or cache-writing method delivers its result: plainly, in a future, or in a Reactor
 * {@code Mono} or {@code Flux}; decided once, when the method is compiled. Return types whose
 * value cannot be cached correctly (a {@code Stream}, an {@code Iterator}, a publisher other than
 * {@code Mono} and {@code Flux}, an {@code Optional} or future of those) are refused there.
 * Publisher types are recognised by name, so that nothing of Reactor is loaded when it is absent.
 */
enum ReturnKind {
    /** The return value itself. */
    PLAIN,
    /** A {@code CompletableFuture} or {@code CompletionStage}: its value. */
    FUTURE,
    /** A Reactor {@code Mono}: its value, {@code null} when empty. */
    MONO,
    /** A Reactor {@code Flux}: the list of its values. */
    FLUX;

    static final String MONO_CLASS = "reactor.core.publisher.Mono";
    static final String FLUX_CLASS = "reactor.core.publisher.Flux";
    private static final List<String> PUBLISHERS = List.of("org.reactivestreams.Publisher", "java.util.concurrent.Flow$Publisher");

    /** The kind of {@code method}'s return type. */
    static ReturnKind of(Method method) {
        Class<?> returned = method.getReturnType();
        if (returned == CompletableFuture.class || returned == CompletionStage.class) {
            return FUTURE;
        }
        if (returned.getName().equals(MONO_CLASS)) {
            return MONO;
        }
        if (returned.getName().equals(FLUX_CLASS)) {
            return FLUX;
        }
        return PLAIN;
    }

    /**
     * Why values of {@code type} (a return type, or the value of a future or {@code Optional})
     * cannot be cached, or {@code null} when they can.
     */
    static String uncacheable(Type type) {
        Class<?> raw = raw(type);
        if (raw == null) {
            return null;
        }
        if (BaseStream.class.isAssignableFrom(raw) || Iterator.class.isAssignableFrom(raw)) {
            return raw.getName() + ", which can be consumed only once; return a List";
        }
        if (!raw.getName().equals(MONO_CLASS) && !raw.getName().equals(FLUX_CLASS) && isPublisher(raw)) {
            return "a " + raw.getName() + ", a publisher whose values zodiac-cache cannot collect; return a Reactor Mono or Flux, "
                    + "or a CompletableFuture";
        }
        if (raw == Optional.class || CompletionStage.class.isAssignableFrom(raw) || Future.class.isAssignableFrom(raw)) {
            Type argument = type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : null;
            String inner = argument == null ? null : uncacheable(argument instanceof WildcardType w ? w.getUpperBounds()[0] : argument);
            return inner == null ? null : raw.getSimpleName() + " of " + inner;
        }
        return null;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    /** {@code true} when {@code type} implements a Reactive Streams or {@code Flow} publisher. */
    static boolean isPublisher(Class<?> type) {
        Deque<Class<?>> pending = new ArrayDeque<>();
        pending.add(type);
        while (!pending.isEmpty()) {
            Class<?> next = pending.poll();
            if (PUBLISHERS.contains(next.getName())) {
                return true;
            }
            if (next.getSuperclass() != null) {
                pending.add(next.getSuperclass());
            }
            pending.addAll(List.of(next.getInterfaces()));
        }
        return false;
    }
}
