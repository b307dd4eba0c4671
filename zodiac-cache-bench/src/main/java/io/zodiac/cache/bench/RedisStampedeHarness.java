package io.zodiac.cache.bench;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Cache stampede on a cold key across JVMs sharing one Redis: {@code jvms} child JVMs with
 * {@code callers} threads each call the cached method with the same new key at once. Not JMH: a
 * harness, like {@link StampedeHarness}, whose figures it reports the same way (producer runs per
 * round, summed over the JVMs; latency of every caller from its JVM's gate to its return).
 *
 * <p>The parent starts {@code redis-server} (the test kit's {@link RedisServer}) and, per system,
 * the children, which set the system up once and then serve rounds over stdin/stdout:
 * {@code ARM key} parks the callers on a gate and answers {@code READY}; {@code GO} opens the gate
 * (the parent sends it to every child back to back) and the child answers
 * {@code DONE runs latencyNanos...} when its callers have returned.
 *
 * <p>Systems: zodiac's {@code blocking().getOrSet} on the Redis backend (a per-key Redis lock whose
 * release is published to waiters), and Spring's {@code @Cacheable(sync = true)} on
 * spring-data-redis' {@link RedisCacheManager}: with its defaults (a non-locking cache writer:
 * {@code sync} then protects nothing), and with {@code RedisCacheWriter.lockingRedisCacheWriter}
 * (one Redis lock per cache, which waiters poll).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.RedisStampedeHarness [out.json] [jvms]
 * [callersPerJvm] [rounds] [loadMillis]}.
 */
public final class RedisStampedeHarness {

    private static final int WARMUP_ROUNDS = 3;

    private RedisStampedeHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Long.parseLong(args[5]));
            return;
        }
        Path out = Path.of(args.length > 0 ? args[0] : "redis-stampede.json");
        int jvms = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int callers = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        long loadMillis = args.length > 4 ? Long.parseLong(args[4]) : 50;

        Results results = new Results("redisStampede");
        results.context("jvms", jvms);
        results.context("callersPerJvm", callers);
        results.context("rounds", rounds);
        results.context("loadMillis", loadMillis);
        try (RedisServer server = RedisServer.start()) {
            for (String system : List.of("zodiac", "spring", "springLocking")) {
                List<ChildJvm> children = new ArrayList<>();
                try {
                    for (int i = 0; i < jvms; i++) {
                        children.add(child(system, server, callers, loadMillis));
                    }
                    rounds(system, children, WARMUP_ROUNDS, "warmup", null, callers);
                    rounds(system, children, rounds, "round", results, callers);
                } finally {
                    for (ChildJvm child : children) {
                        child.close();
                    }
                }
            }
        }
        results.write(out);
    }

    private static void rounds(String system, List<ChildJvm> children, int rounds, String prefix, Results results, int callers)
            throws IOException {
        int[] runsPerRound = new int[rounds];
        long[] latencies = new long[rounds * children.size() * callers];
        int at = 0;
        for (int round = 0; round < rounds; round++) {
            String key = system + "-" + prefix + "-" + round;
            for (ChildJvm child : children) {
                child.send("ARM " + key);
            }
            for (ChildJvm child : children) {
                child.expect("READY");
            }
            for (ChildJvm child : children) {
                child.send("GO");
            }
            for (ChildJvm child : children) {
                String[] done = child.expect("DONE").split(" ");
                runsPerRound[round] += Integer.parseInt(done[1]);
                for (int i = 2; i < done.length; i++) {
                    latencies[at++] = Long.parseLong(done[i]);
                }
            }
        }
        if (results != null) {
            StampedeHarness.report(results, system, description(system), runsPerRound, latencies);
        }
    }

    private static String description(String system) {
        return switch (system) {
            case "zodiac" -> "blocking().getOrSet(key, producer) on the Redis backend";
            case "spring" -> "Spring @Cacheable(sync = true) on spring-data-redis RedisCacheManager (defaults)";
            default -> "Spring @Cacheable(sync = true) on RedisCacheManager with RedisCacheWriter.lockingRedisCacheWriter";
        };
    }

    /** Starts one child JVM, which answers {@code STARTED} once it is ready. */
    private static ChildJvm child(String system, RedisServer server, int callers, long loadMillis) throws IOException {
        ChildJvm child = new ChildJvm(RedisStampedeHarness.class, "512m", List.of("child", system, server.host(),
                Integer.toString(server.port()), Integer.toString(callers), Long.toString(loadMillis)));
        child.expect("STARTED");
        return child;
    }

    // ------------------------------------------------------------------ child

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    public static class SpringRedisConfig {
        @Bean
        public LettuceConnectionFactory redisConnectionFactory() {
            return new LettuceConnectionFactory(new RedisStandaloneConfiguration(
                    System.getProperty("bench.redis.host"), Integer.getInteger("bench.redis.port")));
        }

        @Bean
        public RedisCacheManager cacheManager(LettuceConnectionFactory connections) {
            return Boolean.getBoolean("bench.redis.locking")
                    ? RedisCacheManager.builder(RedisCacheWriter.lockingRedisCacheWriter(connections)).build()
                    : RedisCacheManager.builder(connections).build();
        }

        @Bean
        public Services.Service service(Services.Source source) {
            return new Services.SpringService(source);
        }
    }

    private static void child(String system, String host, int port, int callers, long loadMillis) throws Exception {
        PrintStream reply = System.out;
        System.setOut(System.err);  // only the protocol on stdout
        Services.Source source = new Services.Source(loadMillis);
        AutoCloseable resources;
        Function<String, String> call;
        if (system.equals("zodiac")) {
            CacheManager manager = new CacheManager();
            BlockingCache cache = manager.setup("bench", CacheConfig.builder().backend("redis")
                    .option("endpoint", host).option("port", port).build()).blocking();
            call = key -> cache.getOrSet(key, () -> source.load(key));
            resources = manager;
        } else {
            System.setProperty("bench.redis.host", host);
            System.setProperty("bench.redis.port", Integer.toString(port));
            System.setProperty("bench.redis.locking", Boolean.toString(system.equals("springLocking")));
            ConfigurableApplicationContext context = Services.context(SpringRedisConfig.class, source);
            Services.Service service = context.getBean(Services.Service.class);
            call = service::load;
            resources = context;
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        reply.println("STARTED");
        reply.flush();
        try (resources) {
            String line;
            while ((line = commands.readLine()) != null) {
                if (!line.startsWith("ARM ")) {
                    continue;
                }
                String key = line.substring(4);
                CountDownLatch ready = new CountDownLatch(callers);
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<Long>> calls = new ArrayList<>(callers);
                for (int i = 0; i < callers; i++) {
                    calls.add(pool.submit(() -> {
                        ready.countDown();
                        gate.await();
                        String value = call.apply(key);
                        long end = System.nanoTime();
                        if (!("loaded:" + key).equals(value)) {
                            throw new AssertionError(system + " returned " + value + " for " + key);
                        }
                        return end;
                    }));
                }
                ready.await();
                reply.println("READY");
                reply.flush();
                if (!"GO".equals(commands.readLine())) {
                    throw new IllegalStateException("expected GO");
                }
                int runsBefore = source.loads();
                long released = System.nanoTime();
                gate.countDown();
                StringBuilder done = new StringBuilder();
                long[] latencies = new long[callers];
                for (int i = 0; i < callers; i++) {
                    latencies[i] = calls.get(i).get(60, TimeUnit.SECONDS) - released;
                }
                done.append("DONE ").append(source.loads() - runsBefore);
                Arrays.stream(latencies).forEach(latency -> done.append(' ').append(latency));
                reply.println(done);
                reply.flush();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
