package io.zodiac.cache.bench;

import io.zodiac.cache.BlockingCache;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.NearCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a near cache serves a value another process has changed: the invalidation lag. Not
 * JMH: a harness, whose figures {@link Report} writes to the "Near cache" section.
 *
 * <p>This JVM reads a key through a Redis cache with a {@linkplain NearCache near cache} (which
 * installs its local copy; a second read checks that it is served locally), then asks a child
 * JVM, over its stdin, to {@code set} the key through a plain zodiac cache of the same namespace.
 * The child times its write: {@code System.nanoTime()} before the call and once it returned (the
 * write acknowledged). A plugin in this JVM timestamps the {@code NEAR_INVALIDATION} event of the
 * key, which the near cache fires once it dropped the local copy. {@code System.nanoTime()} is
 * {@code CLOCK_MONOTONIC} on Linux, one clock for every process of the machine, so the two
 * JVMs' timestamps compare. Lag: from the acknowledgement to the event (negative when the
 * invalidation arrived before the writer saw its reply), and from the write's start. After the
 * event, a read must miss the local copy and return the new value (else a stale read is counted).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.NearCacheHarness [out.json] [writes]}.
 */
public final class NearCacheHarness {

    private static final int KEYS = 100;
    private static final int WARM_UP = 500;
    private static final long EVENT_TIMEOUT_MILLIS = 2000;

    private NearCacheHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], Integer.parseInt(args[2]));
            return;
        }
        Path out = Path.of(args.length > 0 ? args[0] : "near.json");
        int writes = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        BlockingQueue<Long> arrivals = new ArrayBlockingQueue<>(16);
        AtomicLong nearHits = new AtomicLong();
        String[] awaited = new String[1];
        CachePlugin events = new CachePlugin() {
            @Override
            public void onEvent(CacheEvent event) {
                if (event.kind() == CacheEvent.Kind.NEAR_INVALIDATION) {
                    long now = System.nanoTime();
                    String key;
                    synchronized (awaited) {
                        key = awaited[0];
                    }
                    if (key != null && key.equals(event.key())) {
                        arrivals.offer(now);
                    }
                } else if (event.kind() == CacheEvent.Kind.NEAR_HIT) {
                    nearHits.incrementAndGet();
                }
            }
        };
        long[] fromAck = new long[writes];
        long[] fromSend = new long[writes];
        int lost = 0;
        int notLocal = 0;
        int stale = 0;
        try (RedisServer server = RedisServer.start();
                CacheManager manager = new CacheManager();
                Writer writer = new Writer(server)) {
            BlockingCache near = manager.setup("near", CacheConfig.builder().backend("redis")
                    .option("endpoint", server.host()).option("port", server.port())
                    .nearCache(NearCache.maximumSize(10_000)).plugins(events).build()).blocking();
            int measured = 0;
            for (int i = -WARM_UP; i < writes; i++) {
                String key = "key:" + Math.floorMod(i, KEYS);
                near.get(key);
                long hitsBefore = nearHits.get();
                boolean local = near.get(key) != null && nearHits.get() > hitsBefore;
                synchronized (awaited) {
                    awaited[0] = key;
                }
                String value = "value-" + i;
                String[] ack = writer.set(key, value);
                Long arrival = arrivals.poll(EVENT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                synchronized (awaited) {
                    awaited[0] = null;
                }
                arrivals.clear();
                boolean fresh = value.equals(near.get(key));
                if (i < 0) {
                    continue; // warm-up: the first reads of a key find nothing to keep
                }
                if (!local) {
                    notLocal++;
                    continue;
                }
                if (arrival == null) {
                    lost++;
                    continue;
                }
                if (!fresh) {
                    stale++;
                }
                fromSend[measured] = arrival - Long.parseLong(ack[1]);
                fromAck[measured] = arrival - Long.parseLong(ack[2]);
                measured++;
            }
            fromAck = Arrays.copyOf(fromAck, measured);
            fromSend = Arrays.copyOf(fromSend, measured);
        }
        Arrays.sort(fromAck);
        Arrays.sort(fromSend);
        Results results = new Results("near");
        results.context("writes", writes);
        results.context("keys", KEYS);
        results.context("warmUpWrites", WARM_UP);
        String description = "near cache in this JVM, writes through a plain zodiac cache in a child JVM";
        results.add("invalidation", "measured", fromAck.length, "writes", description);
        results.add("invalidation", "lost", lost, "writes", description);
        results.add("invalidation", "notLocal", notLocal, "writes", description);
        results.add("invalidation", "staleReads", stale, "reads", description);
        for (double p : new double[] {50, 99, 100}) {
            String suffix = p == 100 ? "Max" : "P" + (int) p;
            results.add("invalidation", "lagFromAck" + suffix, percentile(fromAck, p) / 1e6, "ms", description);
            results.add("invalidation", "lagFromSend" + suffix, percentile(fromSend, p) / 1e6, "ms", description);
        }
        System.out.printf("writes %d measured %d, lost %d, not local %d, stale reads %d; lag from the ack ms p50 %.3f p99 %.3f "
                + "max %.3f; from the send p50 %.3f p99 %.3f max %.3f%n", writes, fromAck.length, lost, notLocal, stale,
                percentile(fromAck, 50) / 1e6, percentile(fromAck, 99) / 1e6, percentile(fromAck, 100) / 1e6,
                percentile(fromSend, 50) / 1e6, percentile(fromSend, 99) / 1e6, percentile(fromSend, 100) / 1e6);
        results.write(out);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The child JVM that writes, driven over its stdin and stdout. */
    private static final class Writer implements AutoCloseable {
        private final ChildJvm child;

        Writer(RedisServer server) throws IOException {
            child = new ChildJvm(NearCacheHarness.class, "256m", List.of("child", server.host(), Integer.toString(server.port())));
            child.expect("STARTED");
        }

        /** Has the child set {@code key}: its answer, {@code ACK sentNanos ackedNanos}, split. */
        String[] set(String key, String value) throws IOException {
            child.send("SET " + key + " " + value);
            return child.expect("ACK").split(" ");
        }

        @Override
        public void close() {
            child.close();
        }
    }

    private static void child(String host, int port) throws IOException {
        PrintStream reply = System.out;
        System.setOut(System.err); // only the protocol on stdout
        try (CacheManager manager = new CacheManager()) {
            BlockingCache cache = manager.setup("near", CacheConfig.builder().backend("redis")
                    .option("endpoint", host).option("port", port).build()).blocking();
            for (int i = 0; i < 2000; i++) { // warm-up: the write path, compiled
                cache.set("warm-up", "warm");
            }
            reply.println("STARTED");
            reply.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = commands.readLine()) != null) {
                String[] command = line.split(" ");
                long sent = System.nanoTime();
                cache.set(command[1], command[2]);
                long acked = System.nanoTime();
                reply.println("ACK " + sent + " " + acked);
                reply.flush();
            }
        }
    }
}
