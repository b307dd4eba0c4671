package io.zodiac.cache.bench;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.GetOrSetOptions;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Reading {@value #BATCH} keys at once on Redis, all hits: zodiac's {@code getOrSetAll} (one
 * {@code MGET}), {@value #BATCH} concurrent {@code getOrSet} calls (one {@code GET} each, pipelined
 * by Lettuce), and raw Lettuce {@code mget} on its own connection. The score is batches per
 * second, one batch at a time (each invocation waits for its batch), against a real
 * {@code redis-server} started by the test kit. Keys: {@value #KEYS} keys of {@value #VALUE_BYTES}
 * bytes, read {@value #BATCH} consecutive keys at a time. Every value is checked: a miss fails the
 * trial.
 */
@State(Scope.Benchmark)
@Threads(1)
public class BatchBenchmark {

    static final int BATCH = 100;
    static final int KEYS = 1 << 12;
    static final int VALUE_BYTES = 100;

    RedisServer server;
    RedisClient client;
    StatefulRedisConnection<String, byte[]> connection;
    RedisAsyncCommands<String, byte[]> lettuce;
    CacheManager manager;
    ZodiacCache zodiac;
    List<List<String>> batches;
    List<String[]> redisBatches;
    int next;
    final GetOrSetOptions<byte[]> options = GetOrSetOptions.defaults();
    final Function<Set<String>, CompletionStage<Map<String, byte[]>>> loader = keys -> {
        throw new AssertionError("miss in a hit benchmark: " + keys.size() + " keys");
    };
    final Supplier<CompletionStage<byte[]>> producer = () -> {
        throw new AssertionError("miss in a hit benchmark");
    };

    @Setup(Level.Trial)
    public void setup() {
        server = RedisServer.start();
        manager = new CacheManager();
        zodiac = manager.setup("bench", CacheConfig.builder().backend("redis")
                .option("endpoint", server.host()).option("port", server.port())
                .serializer("bytes").build());
        client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        lettuce = connection.async();
        CompletableFuture<?>[] stored = new CompletableFuture<?>[KEYS];
        for (int i = 0; i < KEYS; i++) {
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) ('a' + i % 26));
            stored[i] = zodiac.set("key:" + i, value);
        }
        CompletableFuture.allOf(stored).join();
        batches = new ArrayList<>();
        redisBatches = new ArrayList<>();
        for (int start = 0; start + BATCH <= KEYS; start += BATCH) {
            List<String> batch = new ArrayList<>(BATCH);
            String[] redisKeys = new String[BATCH];
            for (int i = 0; i < BATCH; i++) {
                batch.add("key:" + (start + i));
                redisKeys[i] = zodiac.namespace() + ":key:" + (start + i);
            }
            batches.add(List.copyOf(batch));
            redisBatches.add(redisKeys);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        server.close();
    }

    private int nextBatch() {
        int index = next;
        next = (index + 1) % batches.size();
        return index;
    }

    private static void check(int found) {
        if (found != BATCH) {
            throw new IllegalStateException("expected " + BATCH + " hits, got " + found);
        }
    }

    @Benchmark
    public Map<String, byte[]> zodiac_getOrSetAll() {
        Map<String, byte[]> values = zodiac.getOrSetAll(batches.get(nextBatch()), loader, options).join();
        check(values.size());
        return values;
    }

    @Benchmark
    public Object zodiac_getOrSet_x100() {
        List<String> batch = batches.get(nextBatch());
        CompletableFuture<?>[] values = new CompletableFuture<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
            values[i] = zodiac.getOrSet(batch.get(i), producer, options);
        }
        CompletableFuture.allOf(values).join();
        return values;
    }

    @Benchmark
    public List<KeyValue<String, byte[]>> lettuce_mget() {
        List<KeyValue<String, byte[]>> values = lettuce.mget(redisBatches.get(nextBatch())).toCompletableFuture().join();
        check((int) values.stream().filter(KeyValue::hasValue).count());
        return values;
    }
}
