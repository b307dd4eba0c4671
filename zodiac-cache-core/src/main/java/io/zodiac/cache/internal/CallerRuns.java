package io.zodiac.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Runs a blocking producer in the thread that called the blocking {@code getOrSet}, whatever
 * thread the flight asks for it from (a Redis I/O thread must never run user code that blocks).
 * The flight gets a future that the caller completes once it has run the producer.
 *
 * @param <T> the value type
 */
final class CallerRuns<T> {

    private final Thread caller = Thread.currentThread();
    private final Supplier<T> producer;
    private final CompletableFuture<T> produced = new CompletableFuture<>();
    private final CompletableFuture<Void> wake = new CompletableFuture<>();
    private volatile boolean requested;

    CallerRuns(Supplier<T> producer) {
        this.producer = producer;
    }

    /** The producer the flight calls: runs at once in the caller's thread, else hands over to it. */
    CompletionStage<T> request() {
        if (Thread.currentThread() == caller) {
            run();
        } else {
            requested = true;
            wake.complete(null);
        }
        return produced;
    }

    /** Blocks until {@code result} completes, running the producer here if the flight asks for it. */
    T await(CompletableFuture<T> result) {
        result.whenComplete((value, error) -> wake.complete(null));
        wake.join();
        if (requested && !produced.isDone()) {
            run();
        }
        return result.join();
    }

    private void run() {
        try {
            produced.complete(producer.get());
        } catch (RuntimeException | Error e) {
            produced.completeExceptionally(e);
        }
    }
}
