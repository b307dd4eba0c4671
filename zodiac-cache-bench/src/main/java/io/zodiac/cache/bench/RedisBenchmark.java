package io.zodiac.cache.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisServer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Redis hit throughput with {@code inFlight} requests outstanding at all times, against a real
 * {@code redis-server} that the test kit starts on a free loopback port for the trial.
 *
 * <p>One benchmark thread issues requests; a semaphore of {@code inFlight} permits keeps that many
 * outstanding: each invocation takes a permit and issues one request, whose completion (in
 * Lettuce's I/O thread) checks the value and returns the permit. The score is requests issued per
 * second, which equals completions per second in the steady state (at most {@code inFlight}
 * requests are still outstanding when an iteration ends). A request that fails or misses is
 * counted and fails the trial.
 *
 * <p>Keys: {@value #KEYS} distinct keys of {@value #VALUE_BYTES} bytes each, read in sequence, so the
 * requests in flight are always for distinct keys: zodiac's {@code getOrSet} cannot coalesce them
 * into fewer Redis calls (it would for concurrent reads of one key), and both sides send exactly
 * one {@code GET} per request.
 *
 * <p>Peer: raw Lettuce {@code async().get(key)} on its own connection with the same codec
 * ({@code String} keys, {@code byte[]} values) of the same bytes, the namespaced key zodiac
 * stores. Both use Lettuce's defaults (auto-flush, one connection).
 */
@State(Scope.Benchmark)
@Threads(1)
public class RedisBenchmark {

    static final int KEYS = 1 << 14;
    static final int VALUE_BYTES = 100;

    @Param({"1", "16", "64"})
    int inFlight;

    RedisServer server;
    RedisClient client;
    StatefulRedisConnection<String, byte[]> connection;
    RedisAsyncCommands<String, byte[]> lettuce;
    CacheManager manager;
    ZodiacCache zodiac;
    String[] keys;
    String[] redisKeys;
    Semaphore permits;
    int next;
    final AtomicLong failures = new AtomicLong();
    volatile Throwable firstFailure;

    final Supplier<CompletionStage<byte[]>> producer = () -> {
        throw new AssertionError("miss in a hit benchmark");
    };
    final BiConsumer<Object, Throwable> done = (value, error) -> {
        if (error != null || !(value instanceof byte[] bytes) || bytes.length != VALUE_BYTES) {
            if (failures.getAndIncrement() == 0) {
                firstFailure = error != null ? error : new AssertionError("not a hit: " + value);
            }
        }
        permits.release();
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
        keys = new String[KEYS];
        redisKeys = new String[KEYS];
        CompletableFuture<?>[] stored = new CompletableFuture<?>[KEYS];
        for (int i = 0; i < KEYS; i++) {
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) ('a' + i % 26));
            keys[i] = "key:" + i;
            redisKeys[i] = zodiac.namespace() + ":" + keys[i];
            stored[i] = zodiac.set(keys[i], value);
        }
        CompletableFuture.allOf(stored).join();
        byte[] raw = lettuce.get(redisKeys[0]).toCompletableFuture().join();
        if (raw == null || raw.length != VALUE_BYTES) {
            throw new IllegalStateException("the peer does not read the bytes zodiac stored under " + redisKeys[0]);
        }
        permits = new Semaphore(inFlight);
    }

    @TearDown(Level.Iteration)
    public void drain() throws InterruptedException {
        if (!permits.tryAcquire(inFlight, 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still outstanding after 10 s");
        }
        permits.release(inFlight);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests failed or missed", firstFailure);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        server.close();
    }

    private int nextIndex() {
        int index = next;
        next = (index + 1) & (KEYS - 1);
        return index;
    }

    @Benchmark
    public CompletableFuture<byte[]> lettuce_get() throws InterruptedException {
        permits.acquire();
        CompletableFuture<byte[]> request = lettuce.get(redisKeys[nextIndex()]).toCompletableFuture();
        request.whenComplete(done);
        return request;
    }

    @Benchmark
    public CompletableFuture<byte[]> zodiac_getOrSet() throws InterruptedException {
        permits.acquire();
        CompletableFuture<byte[]> request = zodiac.getOrSet(keys[nextIndex()], producer);
        request.whenComplete(done);
        return request;
    }

    @Benchmark
    public CompletableFuture<Object> zodiac_get() throws InterruptedException {
        permits.acquire();
        CompletableFuture<Object> request = zodiac.get(keys[nextIndex()]);
        request.whenComplete(done);
        return request;
    }
}
