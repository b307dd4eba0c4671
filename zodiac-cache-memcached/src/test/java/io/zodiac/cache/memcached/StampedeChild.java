package io.zodiac.cache.memcached;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of {@link MemcachedStampedeTest}: sets up the cache, prints {@code READY}, waits for
 * {@code GO} on stdin, then lets {@code callers} threads call {@code getOrSet} of one key at once
 * and prints {@code RESULT <value>} or {@code ERROR <exception>} for each.
 *
 * <p>Arguments: memcached address, cache prefix, key, callers, producer delay in milliseconds.
 * The JVM ends when {@code main} returns: the backend leaves no non-daemon thread behind.
 * The producer counts its runs with a memcached {@code incr} of {@code <key>-producer-runs}.
 */
public final class StampedeChild {

    private StampedeChild() {
    }

    public static void main(String[] args) throws Exception {
        String address = args[0];
        String prefix = args[1];
        String key = args[2];
        int callers = Integer.parseInt(args[3]);
        long producerMillis = Long.parseLong(args[4]);
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup(prefix, CacheConfig.fromUri("memcached://" + address).build());
            cache.exists("warm-up").join();
            System.out.println("READY");
            System.out.flush();
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"GO".equals(stdin.readLine())) {
                System.exit(2);
            }
            // A lease far above the producer's time, so that a slow machine cannot let a second producer in.
            GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(Duration.ofSeconds(10));
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<String>> results = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                CompletableFuture<String> result = new CompletableFuture<>();
                results.add(result);
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        cache.getOrSet(key, () -> cache.increment(key + "-producer-runs", 1)
                                .thenCompose(runs -> CompletableFuture.supplyAsync(() -> "produced by " + ProcessHandle.current().pid(),
                                        CompletableFuture.delayedExecutor(producerMillis, TimeUnit.MILLISECONDS))), options)
                                .whenComplete((value, error) -> {
                                    if (error != null) {
                                        result.completeExceptionally(error);
                                    } else {
                                        result.complete(value);
                                    }
                                });
                    } catch (InterruptedException e) {
                        result.completeExceptionally(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (CompletableFuture<String> result : results) {
                try {
                    System.out.println("RESULT " + result.get(30, TimeUnit.SECONDS));
                } catch (Exception e) {
                    System.out.println("ERROR " + e);
                }
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        System.out.flush();
    }
}
