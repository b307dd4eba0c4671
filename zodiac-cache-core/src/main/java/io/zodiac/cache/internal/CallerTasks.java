package io.zodiac.cache.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Runs blocking work in the thread that called a blocking operation, whatever thread asks for it
 * and however many times: {@link CallerRuns} for work asked for more than once (the loader of the
 * blocking {@code getOrSetAll}, which a key left to load on its own may call again). Work asked for
 * from another thread is queued; the caller runs it while it waits for the operation's result.
 */
final class CallerTasks {

    private static final Runnable WAKE = () -> { };

    private final Thread caller = Thread.currentThread();
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

    /** Runs {@code work} at once in the caller's thread, else queues it for the caller; the future of its value. */
    <R> CompletableFuture<R> run(Supplier<R> work) {
        CompletableFuture<R> done = new CompletableFuture<>();
        Runnable task = () -> {
            try {
                done.complete(work.get());
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
            }
        };
        if (Thread.currentThread() == caller) {
            task.run();
        } else {
            queue.add(task);
        }
        return done;
    }

    /** Blocks until {@code result} completes, running the queued work meanwhile; then what {@code result.join()} gives. */
    <R> R await(CompletableFuture<R> result) {
        result.whenComplete((value, error) -> queue.add(WAKE));
        boolean interrupted = false;
        while (!result.isDone()) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                interrupted = true; // as CompletableFuture.join: keep waiting, keep the flag
            }
        }
        for (Runnable task = queue.poll(); task != null; task = queue.poll()) {
            task.run();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result.join();
    }
}
