package io.zodiac.cache.internal;

import io.zodiac.cache.serializer.Serializer;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that decode stored values too large, or too slow to decode, for the I/O thread that
 * received them ({@link Serializer#inlineDecodeLimit()}). A server backend's I/O thread serves
 * every cache of the manager on its connection: a decode that took seconds there would delay
 * them all.
 *
 * <p>One pool per process, of daemon threads that end after 30 s idle: as many as there are
 * processors, at least 2. Not the common {@code ForkJoinPool}: it has a single thread on a
 * 2-processor machine, and it runs the {@code getOrSet} producers and the application's own
 * asynchronous tasks, which a slow decode must not hold up either. Decodes beyond the threads
 * queue; small decodes, the hot path, never come here.
 */
final class DecodePool {

    private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static final AtomicInteger COUNT = new AtomicInteger();

    private DecodePool() {
    }

    /** Created on first use: a process that never decodes a large value starts no thread. */
    private static final class Holder {
        static final ThreadPoolExecutor POOL = pool();
    }

    private static ThreadPoolExecutor pool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "zodiac-cache-decode-" + COUNT.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The pool. */
    static Executor executor() {
        return Holder.POOL;
    }
}
