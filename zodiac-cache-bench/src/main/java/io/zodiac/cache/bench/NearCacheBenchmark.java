package io.zodiac.cache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisServer;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.codec.CompositeCodec;
import org.redisson.config.Config;

/**
 * A near-cache hit: {@code blocking().get} on a Redis cache with a {@linkplain NearCache near cache}
 * that holds every key, against Caffeine's {@code Cache.getIfPresent} (what the near cache is built
 * on, the in-memory floor), against the same Redis cache without a near cache ({@code get} and a
 * {@code getOrSet} hit, a round trip per read) and against raw Lettuce {@code sync().get} on its
 * own connection; for context, zodiac's
 * in-memory backend ({@code memory_blocking_get}), whose hits skip the remote call pipeline. A real
 * {@code redis-server}, started by the test kit on a free loopback port for the trial.
 *
 * <p>Keys: the {@link ZipfKeys} stream of {@link HitBenchmark}, read by every benchmark, with a
 * value of {@value #VALUE_BYTES} bytes each ({@code bytes} serializer; Caffeine holds the same
 * arrays). Setup reads every key once through the near cache, which installs its local copy. The
 * near-cache benchmarks must then make no round trip: after each of their iterations, the
 * server's count of {@code GET} calls ({@code INFO commandstats}) must not have moved, else the
 * trial fails. (No plugin counts the near hits: a plugin adds its own work to every call.)
 *
 * <p>Peer: Redisson's {@code RLocalCachedMap} (its local copy of a Redis hash, kept by Redisson's own
 * invalidation messages), holding the same keys and values, read with {@code get}; set up only by
 * its own benchmark ({@link RedissonState}), on a server of its own.
 */
@State(Scope.Benchmark)
@Threads(1)
public class NearCacheBenchmark {

    static final int VALUE_BYTES = 100;

    String[] keys;
    String[] redisKeys;
    Cache<String, byte[]> caffeine;
    RedisServer server;
    RedisClient client;
    StatefulRedisConnection<String, byte[]> connection;
    RedisCommands<String, byte[]> lettuce;
    CacheManager manager;
    CacheManager plainManager;
    CacheManager memoryManager;
    BlockingCache near;
    BlockingCache redis;
    BlockingCache memory;
    /** Whether this trial measures the near cache, which must then read nothing from the server. */
    boolean measuresNearCache;
    long serverGets;
    final Supplier<Object> producer = () -> {
        throw new AssertionError("miss in a hit benchmark");
    };

    @State(Scope.Thread)
    public static class ThreadState {
        int index = ThreadLocalRandom.current().nextInt();
    }

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        measuresNearCache = params.getBenchmark().endsWith(".near_blocking_get")
                || params.getBenchmark().endsWith(".near_blocking_getOrSet");
        keys = ZipfKeys.strings("key:");
        server = RedisServer.start();
        manager = new CacheManager();
        ZodiacCache nearCache = manager.setup("bench", CacheConfig.builder().backend("redis")
                .option("endpoint", server.host()).option("port", server.port()).serializer("bytes")
                .nearCache(NearCache.maximumSize(2L * ZipfKeys.SIZE)).build());
        near = nearCache.blocking();
        // the same namespace, without a near cache (a manager of its own: one prefix per manager): a round trip per read
        plainManager = new CacheManager();
        redis = plainManager.setup("bench", CacheConfig.builder().backend("redis")
                .option("endpoint", server.host()).option("port", server.port()).serializer("bytes").build()).blocking();
        // zodiac's in-memory backend, for context: its hit path skips the remote pipeline a Redis cache goes through
        memoryManager = new CacheManager();
        memory = memoryManager.setup("bench-memory", CacheConfig.builder().maxSize(2L * ZipfKeys.SIZE).build()).blocking();
        caffeine = Caffeine.newBuilder().maximumSize(2L * ZipfKeys.SIZE).build();
        client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        lettuce = connection.sync();
        redisKeys = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            redisKeys[i] = nearCache.namespace() + ":" + keys[i];
        }
        int n = 0;
        for (String key : new LinkedHashSet<>(Arrays.asList(keys))) {
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) ('a' + n++ % 26));
            caffeine.put(key, value);
            memory.set(key, value);
            redis.set(key, value);
        }
        for (int i = 0; i < keys.length; i++) {
            if (!(near.get(keys[i]) instanceof byte[] a) || a.length != VALUE_BYTES
                    || !(redis.get(keys[i]) instanceof byte[] b) || b.length != VALUE_BYTES
                    || lettuce.get(redisKeys[i]) == null || memory.get(keys[i]) == null || caffeine.getIfPresent(keys[i]) == null) {
                throw new IllegalStateException("key " + keys[i] + " is not present in every cache");
            }
        }
        serverGets = serverGets();
    }

    @TearDown(Level.Iteration)
    public void checkNearHits() {
        if (measuresNearCache && serverGets() != serverGets) {
            throw new IllegalStateException((serverGets() - serverGets) + " near-cache reads went to the server");
        }
    }

    /** The {@code GET} commands the server has run so far. */
    private long serverGets() {
        Matcher calls = Pattern.compile("cmdstat_get:calls=(\\d+)").matcher(lettuce.info("commandstats"));
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        plainManager.close();
        memoryManager.close();
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        server.close();
    }

    @Benchmark
    public byte[] caffeine_getIfPresent(ThreadState state) {
        return caffeine.getIfPresent(keys[state.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public Object near_blocking_get(ThreadState state) {
        return near.get(keys[state.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public Object near_blocking_getOrSet(ThreadState state) {
        return near.getOrSet(keys[state.index++ & ZipfKeys.MASK], producer);
    }

    @Benchmark
    public Object memory_blocking_get(ThreadState state) {
        return memory.get(keys[state.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public Object redis_blocking_get(ThreadState state) {
        return redis.get(keys[state.index++ & ZipfKeys.MASK]);
    }

    @Benchmark
    public Object redis_blocking_getOrSet(ThreadState state) {
        return redis.getOrSet(keys[state.index++ & ZipfKeys.MASK], producer);
    }

    @Benchmark
    public byte[] lettuce_sync_get(ThreadState state) {
        return lettuce.get(redisKeys[state.index++ & ZipfKeys.MASK]);
    }

    /** Redisson's local cached map, filled with the same keys and values and read once, so that every key is held locally. */
    @State(Scope.Benchmark)
    public static class RedissonState {
        RedisServer server;
        RedissonClient redisson;
        RLocalCachedMap<String, byte[]> map;
        String[] keys;

        @Setup(Level.Trial)
        public void setup() {
            keys = ZipfKeys.strings("key:");
            server = RedisServer.start();
            Config config = new Config();
            config.useSingleServer().setAddress("redis://" + server.host() + ":" + server.port());
            redisson = Redisson.create(config);
            map = redisson.getLocalCachedMap(LocalCachedMapOptions.<String, byte[]>name("near-peer")
                    .cacheSize(2 * ZipfKeys.SIZE).codec(new CompositeCodec(org.redisson.client.codec.StringCodec.INSTANCE,
                            org.redisson.client.codec.ByteArrayCodec.INSTANCE)));
            int n = 0;
            for (String key : new LinkedHashSet<>(Arrays.asList(keys))) {
                byte[] value = new byte[VALUE_BYTES];
                Arrays.fill(value, (byte) ('a' + n++ % 26));
                map.fastPut(key, value);
            }
            for (String key : keys) {
                if (map.get(key) == null) {
                    throw new IllegalStateException("key " + key + " is not in Redisson's map");
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            redisson.shutdown();
            server.close();
        }
    }

    @Benchmark
    public byte[] redisson_localCachedMap_get(RedissonState redisson, ThreadState state) {
        return redisson.map.get(redisson.keys[state.index++ & ZipfKeys.MASK]);
    }
}
