package io.zodiac.cache.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT, or SIGTERM) during a command that must clean up after itself. A shutdown hook
 * records the request, runs the command's {@code onRequest} action (the demo stops its clients),
 * and holds the JVM until the command has finished its work with what it has (the demo prints the
 * partial summary and clears its namespace) and called {@link #close()}, for at most
 * {@code grace}. The process then exits with 130, as any program stopped by Ctrl-C.
 */
final class Interruption implements AutoCloseable {

    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean requested;

    private Interruption(Runnable onRequest, Duration grace) {
        this.hook = new Thread(() -> {
            requested = true;
            onRequest.run();
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "zodiac-cache-interrupt");
    }

    /** Watches for Ctrl-C until {@link #close()}; {@code onRequest} runs in the shutdown hook. */
    static Interruption watch(Runnable onRequest, Duration grace) {
        Interruption interruption = new Interruption(onRequest, grace);
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    /** {@code true} once Ctrl-C asked the process to stop. */
    boolean requested() {
        return requested;
    }

    /** The command is done: an interrupted process may now exit. */
    @Override
    public void close() {
        finished.countDown();
        if (!requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs and finds the work done
            }
        }
    }
}
