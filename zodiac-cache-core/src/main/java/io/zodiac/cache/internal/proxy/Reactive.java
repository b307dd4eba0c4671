package io.zodiac.cache.internal.proxy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Reactor side of the proxies: turns {@code Mono}s and {@code Flux}es into futures and back.
 * Loaded only when a method returns a {@code Mono} or a {@code Flux}, which needs Reactor on the
 * class path; its signatures name no Reactor type, so callers never load Reactor by referring to it.
 */
final class Reactive {

    private Reactive() {
    }

    /** Whether Reactor is on the class path of {@code loader}. */
    static boolean available(ClassLoader loader) {
        try {
            Class.forName(ReturnKind.MONO_CLASS, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The value of a {@code Mono} the method returned ({@code null} when empty or when the method returned {@code null}). */
    static CompletionStage<Object> monoValue(Object mono) {
        return mono == null ? CompletableFuture.completedFuture(null) : ((Mono<?>) mono).<Object>map(v -> v).toFuture();
    }

    /** The values of a {@code Flux} the method returned, as a list. */
    static CompletionStage<Object> fluxValues(Object flux) {
        return flux == null ? CompletableFuture.completedFuture(List.of())
                : ((Flux<?>) flux).collectList().<Object>map(list -> list).toFuture();
    }

    /**
     * A new {@code Mono} of the value {@code future} gives, asked for at each subscription; a
     * {@code null} value is an empty {@code Mono}. Cancelling a subscription does not cancel the
     * future, which other callers may share.
     */
    static Object mono(Supplier<? extends CompletableFuture<?>> future) {
        return Mono.fromFuture(future, true);
    }

    /** A new {@code Flux} of the list {@code future} gives, asked for at each subscription. */
    static Object flux(Supplier<? extends CompletableFuture<?>> future) {
        return Mono.fromFuture(future, true).flux().concatMapIterable(list -> (List<?>) list);
    }

    /**
     * The method's {@code Mono} or {@code Flux} ({@code kind}) with {@code after} run on its value
     * (a {@code Flux}'s list) before the value reaches the subscriber, at each subscription.
     */
    static Object after(ReturnKind kind, Object publisher, Function<Object, CompletionStage<?>> after) {
        if (kind == ReturnKind.MONO) {
            return mono(() -> monoValue(publisher).thenCompose(value -> after.apply(value).thenApply(done -> value)).toCompletableFuture());
        }
        return flux(() -> fluxValues(publisher).thenCompose(value -> after.apply(value).thenApply(done -> value)).toCompletableFuture());
    }
}
