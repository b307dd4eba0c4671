package io.zodiac.cache.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One JVM of {@link DistributedStampedeTest}: sets up a redis cache, warms it up, subscribes to a
 * start channel, prints {@code READY}, and on the start message lets {@code callers} threads call
 * {@code getOrSet} on one cold key at once. Prints one line per event, for the test to parse:
 *
 * <pre>
 * READY
 * PRODUCED {millis}                  this JVM ran the producer
 * RELEASE {millis}                   this JVM released the key's lock (after storing)
 * RESULT {value} {millis}            a caller got its value
 * LOCKS {n}                          lock attempts on the key made by this JVM
 * DONE
 * </pre>
 *
 * Arguments: {@code standalone|cluster}, the servers ({@code host:port}, comma-separated for a
 * cluster), prefix, key, callers, producer millis, lease millis, start channel.
 */
public final class StampedeChild {

    private StampedeChild() {
    }

    public static void main(String[] args) throws Exception {
        boolean cluster = args[0].equals("cluster");
        List<String> servers = Arrays.asList(args[1].split(","));
        String prefix = args[2];
        String key = args[3];
        int callers = Integer.parseInt(args[4]);
        Duration produce = Duration.ofMillis(Long.parseLong(args[5]));
        Duration lease = Duration.ofMillis(Long.parseLong(args[6]));
        String startChannel = args[7];
        String me = ProcessHandle.current().pid() + "";

        CompletableFuture<Long> released = new CompletableFuture<>();
        AtomicInteger locks = new AtomicInteger();
        CachePlugin observer = new CachePlugin() {
            @Override
            public void post(OperationEvent event) {
                if (!key.equals(event.key())) {
                    return;
                }
                if (event.operation() == Operation.LOCK) {
                    locks.incrementAndGet();
                } else if (event.operation() == Operation.UNLOCK && Boolean.TRUE.equals(event.result())) {
                    released.complete(System.currentTimeMillis());
                }
            }
        };
        CacheConfig.Builder config = CacheConfig.builder().backend("redis").plugins(observer);
        if (cluster) {
            config.option("cluster", servers);
        } else {
            String[] hostPort = servers.get(0).split(":");
            config.option("endpoint", hostPort[0]).option("port", Integer.parseInt(hostPort[1]));
        }
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup(prefix, config.build());
            GetOrSetOptions<String> options = GetOrSetOptions.<String>defaults().lease(lease).type(String.class);
            // Warm up the code paths a waiter takes (lock, wait, read, decode), so that the JIT and class
            // loading do not show up as wake-up latency.
            for (int i = 0; i < 20; i++) {
                cache.getOrSet("warmup:" + me + ":" + i, () -> CompletableFuture.completedFuture("w"), options).join();
                cache.get("warmup:" + me + ":" + i, String.class).join();
            }

            CountDownLatch go = new CountDownLatch(1);
            // The start message comes from the first server (in a cluster, PUBLISH reaches every node).
            RedisClient client = RedisClient.create("redis://" + servers.get(0));
            try {
                StatefulRedisPubSubConnection<String, String> start = client.connectPubSub();
                start.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        go.countDown();
                    }
                });
                start.sync().subscribe(startChannel);

                List<Thread> threads = new ArrayList<>();
                List<String> results = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    Thread caller = new Thread(() -> {
                        try {
                            go.await();
                            String value = cache.getOrSet(key, () -> produce(cache, me, produce), options).join();
                            long at = System.currentTimeMillis();
                            synchronized (results) {
                                results.add("RESULT " + value + " " + at);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                            synchronized (results) {
                                results.add("FAILED " + e);
                            }
                        }
                    }, "caller-" + i);
                    caller.start();
                    threads.add(caller);
                }
                System.out.println("READY");
                System.out.flush();
                if (!go.await(60, TimeUnit.SECONDS)) {
                    System.out.println("FAILED no start message");
                }
                for (Thread thread : threads) {
                    thread.join(30_000);
                }
                start.close();
                synchronized (results) {
                    results.forEach(System.out::println);
                }
                if (released.isDone()) {
                    System.out.println("RELEASE " + released.join());
                }
                System.out.println("LOCKS " + locks.get());
            } finally {
                client.shutdown();
            }
        }
        System.out.println("DONE");
        System.out.flush();
    }

    private static CompletableFuture<String> produce(ZodiacCache cache, String me, Duration produce) {
        System.out.println("PRODUCED " + System.currentTimeMillis());
        return cache.increment("producer-calls", 1).thenCompose(calls -> CompletableFuture.supplyAsync(
                () -> "value-of-" + me, CompletableFuture.delayedExecutor(produce.toMillis(), TimeUnit.MILLISECONDS)));
    }
}
