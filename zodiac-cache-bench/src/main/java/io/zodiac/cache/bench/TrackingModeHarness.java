package io.zodiac.cache.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.zodiac.cache.testkit.RedisServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Redis {@code CLIENT TRACKING} in its default mode against {@code BCAST PREFIX <namespace>:}, on
 * the near cache's workload, with raw Lettuce (RESP3 pushes). Not JMH: a harness, whose figures
 * {@link Report} writes to the "Near cache" section.
 *
 * <p>One {@code redis-server} from the test kit holds a namespace of {@code keys} keys
 * ({@code zodiac_cache:bench:k<i>}, 100-byte values). {@code readers} connections turn tracking on
 * in the mode measured, each reads its hot set of {@code hotKeys} keys (chosen at random) once and
 * reads a hot key again whenever an invalidation of it arrives, as a near cache re-installs its
 * copy. One writer connection, without tracking, {@code SET}s keys chosen uniformly among all of
 * them, one at a time, {@code warmUpWrites} then {@code writes} measured. Per mode: the
 * invalidated keys each reader receives per 1,000 writes (all, and those of its hot set), the lag of
 * a hot key's invalidation from the writer's acknowledgement to the push's arrival (one JVM, one
 * {@code System.nanoTime()} clock), the writer's throughput against the same writes with no reader
 * connected (measured just before), and the server's {@code used_memory} growth and tracking table
 * ({@code INFO stats}) at the end of the run. The modes alternate for {@code rounds} rounds; between
 * runs the server is flushed (which also empties its tracking table) and the namespace written again.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.TrackingModeHarness [out.json]
 * [keys] [readers] [hotKeys] [writes] [warmUpWrites] [rounds]}.
 */
public final class TrackingModeHarness {

    static final String PREFIX = "zodiac_cache:bench:";
    private static final int VALUE_BYTES = 100;
    private static final String[] MODES = {"default", "bcast"};

    private TrackingModeHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "tracking.json");
        int keys = intArg(args, 1, 10_000);
        int readers = intArg(args, 2, 4);
        int hotKeys = intArg(args, 3, 100);
        int writes = intArg(args, 4, 20_000);
        int warmUp = intArg(args, 5, 2_000);
        int rounds = intArg(args, 6, 3);
        if (keys < 1 || readers < 1 || hotKeys < 1 || hotKeys > keys || writes < 1 || warmUp < 0 || rounds < 1) {
            throw new IllegalArgumentException("need keys >= 1, readers >= 1, 1 <= hotKeys <= keys, writes >= 1, warmUpWrites >= 0, "
                    + "rounds >= 1; got keys " + keys + ", readers " + readers + ", hotKeys " + hotKeys + ", writes " + writes
                    + ", warmUpWrites " + warmUp + ", rounds " + rounds);
        }
        String value = "v".repeat(VALUE_BYTES);
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (String mode : MODES) {
            tallies.put(mode, new Tally());
        }
        String version;
        try (RedisServer server = RedisServer.start()) {
            RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
            try (StatefulRedisConnection<String, String> writerConnection = client.connect(StringCodec.UTF8)) {
                RedisCommands<String, String> writer = writerConnection.sync();
                version = info(writer, "server", "redis_version");
                Random random = new Random(42);
                populate(writerConnection, keys, value);
                write(writer, random, keys, value, 5 * warmUp, null); // the write path, compiled
                for (int round = 0; round < rounds; round++) {
                    for (int m = 0; m < MODES.length; m++) {
                        String mode = MODES[(round + m) % MODES.length]; // the order alternates from round to round
                        tallies.get(mode).add(run(client, writerConnection, mode, random, keys, readers, hotKeys, writes, warmUp, value));
                    }
                }
            } finally {
                client.shutdown();
            }
        }
        Results results = new Results("tracking");
        results.context("keys", keys);
        results.context("readers", readers);
        results.context("hotKeys", hotKeys);
        results.context("writes", writes);
        results.context("warmUpWrites", warmUp);
        results.context("rounds", rounds);
        results.context("valueBytes", VALUE_BYTES);
        results.context("prefix", PREFIX);
        results.context("redisVersion", version);
        for (String mode : MODES) {
            tallies.get(mode).report(results, mode, readers, (long) writes * rounds);
        }
        results.write(out);
    }

    /** One run of {@code mode}: the writer alone first (the baseline), then with the tracking readers. */
    private static Run run(RedisClient client, StatefulRedisConnection<String, String> writerConnection, String mode, Random random,
            int keys, int readers, int hotKeys, int writes, int warmUp, String value) throws Exception {
        RedisCommands<String, String> writer = writerConnection.sync();
        writer.flushall();
        populate(writerConnection, keys, value);
        write(writer, random, keys, value, warmUp, null);
        long baselineNanos = write(writer, random, keys, value, writes, null);
        long memoryBefore = Long.parseLong(info(writer, "memory", "used_memory"));
        List<Reader> group = new ArrayList<>();
        try {
            for (int r = 0; r < readers; r++) {
                group.add(new Reader(client, mode, hotSet(random, keys, hotKeys)));
            }
            write(writer, random, keys, value, warmUp, null);
            for (Reader reader : group) {
                reader.drain();
                reader.startMeasuring();
            }
            WriteLog log = new WriteLog(writes);
            long nanos = write(writer, random, keys, value, writes, log);
            for (Reader reader : group) {
                reader.drain();
            }
            Run run = new Run(writes, (double) writes * 1e9 / nanos, (double) writes * 1e9 / baselineNanos,
                    Long.parseLong(info(writer, "memory", "used_memory")) - memoryBefore,
                    Long.parseLong(info(writer, "stats", "tracking_total_keys")),
                    Long.parseLong(info(writer, "stats", "tracking_total_items")),
                    Long.parseLong(info(writer, "stats", "tracking_total_prefixes")));
            for (Reader reader : group) {
                reader.collect(log, run);
            }
            System.out.printf("%-7s %,d writes: %,.0f writes/s (alone %,.0f); per reader %,d invalidated keys (%,d held) in %,d messages; "
                    + "hot-key lag measured %,d, missed %,d; used_memory %+,d B; tracking keys %d items %d prefixes %d%n",
                    mode, writes, run.writesPerSecond, run.baselineWritesPerSecond, run.invalidated / readers, run.held / readers,
                    run.messages / readers, run.lags.size(), run.missed, run.memoryGrowth, run.trackingKeys, run.trackingItems,
                    run.trackingPrefixes);
            return run;
        } finally {
            for (Reader reader : group) {
                reader.close();
            }
        }
    }

    /** Sets every key of the namespace, pipelined. */
    private static void populate(StatefulRedisConnection<String, String> connection, int keys, String value) {
        RedisAsyncCommands<String, String> async = connection.async();
        Map<String, String> batch = new HashMap<>();
        List<RedisFuture<String>> sent = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            batch.put(key(i), value);
            if (batch.size() == 500 || i == keys - 1) {
                sent.add(async.mset(batch));
                batch = new HashMap<>();
            }
        }
        for (RedisFuture<String> future : sent) {
            future.toCompletableFuture().join();
        }
    }

    /** {@code count} sync {@code SET}s of keys chosen uniformly; logged when {@code log} is given. Returns the nanoseconds taken. */
    private static long write(RedisCommands<String, String> writer, Random random, int keys, String value, int count, WriteLog log) {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int k = random.nextInt(keys);
            long sent = System.nanoTime();
            writer.set(key(k), value);
            long acked = System.nanoTime();
            if (log != null) {
                log.add(k, sent, acked);
            }
        }
        return System.nanoTime() - start;
    }

    static String key(int i) {
        return PREFIX + "k" + i;
    }

    private static int[] hotSet(Random random, int keys, int hotKeys) {
        Set<Integer> chosen = new HashSet<>();
        while (chosen.size() < hotKeys) {
            chosen.add(random.nextInt(keys));
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** A field of {@code INFO section}. */
    private static String info(RedisCommands<String, String> commands, String section, String field) {
        for (String line : commands.info(section).split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).trim();
            }
        }
        throw new IllegalStateException("INFO " + section + " has no field " + field);
    }

    private static int intArg(String[] args, int index, int otherwise) {
        return args.length > index ? Integer.parseInt(args[index]) : otherwise;
    }

    /** The writes of a measured run: key, start and acknowledgement. */
    private static final class WriteLog {
        final int[] keys;
        final long[] sent;
        final long[] acked;
        int size;

        WriteLog(int capacity) {
            keys = new int[capacity];
            sent = new long[capacity];
            acked = new long[capacity];
        }

        void add(int key, long sentNanos, long ackedNanos) {
            keys[size] = key;
            sent[size] = sentNanos;
            acked[size] = ackedNanos;
            size++;
        }
    }

    /**
     * A tracking connection that holds a hot set: reads it once, and reads a key again when its
     * invalidation arrives. Counts the invalidated keys it is sent and times those of its hot set.
     */
    private static final class Reader implements PushListener, AutoCloseable {
        private final StatefulRedisConnection<String, String> connection;
        private final RedisAsyncCommands<String, String> async;
        private final Set<String> hot = new HashSet<>();
        private final Map<String, Integer> hotIndex = new HashMap<>();
        private final List<long[]> hotArrivals = new ArrayList<>(); // {key index, nanos}
        private boolean measuring;
        private long invalidated;
        private long held;
        private long messages;
        private long resets;

        Reader(RedisClient client, String mode, int[] hotSet) {
            connection = client.connect(StringCodec.UTF8);
            connection.addListener(this);
            TrackingArgs tracking = TrackingArgs.Builder.enabled();
            if (mode.equals("bcast")) {
                tracking.bcast().prefixes(PREFIX);
            }
            RedisCommands<String, String> sync = connection.sync();
            sync.clientTracking(tracking);
            async = connection.async();
            for (int k : hotSet) {
                hot.add(key(k));
                hotIndex.put(key(k), k);
                sync.get(key(k)); // the copy installed; in the default mode, the key tracked
            }
        }

        @Override
        public void onPushMessage(PushMessage message) {
            if (!message.getType().equals("invalidate")) {
                return;
            }
            long now = System.nanoTime();
            List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
            Object keys = content.size() > 1 ? content.get(1) : null;
            synchronized (this) {
                if (!(keys instanceof List<?> list)) {
                    resets++;
                    return;
                }
                if (measuring) {
                    messages++;
                    invalidated += list.size();
                }
                for (Object key : list) {
                    if (hot.contains(key)) {
                        if (measuring) {
                            held++;
                            hotArrivals.add(new long[] {hotIndex.get(key), now});
                        }
                        async.get((String) key); // re-install, as a near cache does: tracked again in the default mode
                    }
                }
            }
        }

        /** Waits until every push the server sent before now has been handled: they precede the reply on the connection. */
        void drain() {
            connection.sync().ping();
        }

        synchronized void startMeasuring() {
            measuring = true;
        }

        /** Adds this reader's counts to {@code run}, and the lag of each hot-key write it was told about. */
        void collect(WriteLog log, Run run) {
            synchronized (this) {
                measuring = false;
                run.invalidated += invalidated;
                run.held += held;
                run.messages += messages;
                run.resets += resets;
            }
            Map<Integer, List<Long>> arrivalsByKey = new HashMap<>();
            synchronized (this) {
                for (long[] arrival : hotArrivals) {
                    arrivalsByKey.computeIfAbsent((int) arrival[0], k -> new ArrayList<>()).add(arrival[1]);
                }
            }
            // a hot-key write's invalidation is the first arrival for the key after the write started and
            // before the next write of the key started; none: late (after the next write of the key started), coalesced, or not sent
            Map<Integer, Integer> next = new HashMap<>();
            for (int i = 0; i < log.size; i++) {
                int k = log.keys[i];
                if (!hotIndex.containsKey(key(k))) {
                    continue;
                }
                long nextSent = Long.MAX_VALUE;
                for (int j = i + 1; j < log.size; j++) {
                    if (log.keys[j] == k) {
                        nextSent = log.sent[j];
                        break;
                    }
                }
                List<Long> arrivals = arrivalsByKey.getOrDefault(k, List.of());
                int a = next.getOrDefault(k, 0);
                while (a < arrivals.size() && arrivals.get(a) < log.sent[i]) {
                    a++;
                }
                if (a < arrivals.size() && arrivals.get(a) < nextSent) {
                    run.lags.add(arrivals.get(a) - log.acked[i]);
                    a++;
                } else {
                    run.missed++;
                }
                next.put(k, a);
            }
        }

        @Override
        public void close() {
            connection.close();
        }
    }

    /** The figures of one run of a mode. */
    private static final class Run {
        final int writes;
        final double writesPerSecond;
        final double baselineWritesPerSecond;
        final long memoryGrowth;
        final long trackingKeys;
        final long trackingItems;
        final long trackingPrefixes;
        final List<Long> lags = new ArrayList<>();
        long invalidated;
        long held;
        long messages;
        long resets;
        long missed;

        Run(int writes, double writesPerSecond, double baselineWritesPerSecond, long memoryGrowth, long trackingKeys, long trackingItems,
                long trackingPrefixes) {
            this.writes = writes;
            this.writesPerSecond = writesPerSecond;
            this.baselineWritesPerSecond = baselineWritesPerSecond;
            this.memoryGrowth = memoryGrowth;
            this.trackingKeys = trackingKeys;
            this.trackingItems = trackingItems;
            this.trackingPrefixes = trackingPrefixes;
        }
    }

    /** A mode's runs, pooled. */
    private static final class Tally {
        private final List<Run> runs = new ArrayList<>();

        void add(Run run) {
            runs.add(run);
        }

        void report(Results results, String mode, int readers, long writes) {
            String description = "CLIENT TRACKING ON" + (mode.equals("bcast") ? " BCAST PREFIX " + PREFIX : "") + ", " + readers
                    + " readers, raw Lettuce";
            double perThousand = 1000.0 / writes / readers;
            long invalidated = runs.stream().mapToLong(r -> r.invalidated).sum();
            long held = runs.stream().mapToLong(r -> r.held).sum();
            long messages = runs.stream().mapToLong(r -> r.messages).sum();
            results.add(mode, "invalidationsPerReaderPer1000Writes", invalidated * perThousand, "keys", description);
            results.add(mode, "heldInvalidationsPerReaderPer1000Writes", held * perThousand, "keys", description);
            results.add(mode, "messagesPerReaderPer1000Writes", messages * perThousand, "messages", description);
            results.add(mode, "resets", runs.stream().mapToLong(r -> r.resets).sum(), "messages", description);
            long[] lags = runs.stream().flatMap(r -> r.lags.stream()).mapToLong(Long::longValue).sorted().toArray();
            results.add(mode, "lagMeasured", lags.length, "writes", description);
            results.add(mode, "lagMissed", runs.stream().mapToLong(r -> r.missed).sum(), "writes", description);
            results.add(mode, "lagFromAckP50", percentile(lags, 50) / 1e3, "µs", description);
            results.add(mode, "lagFromAckP99", percentile(lags, 99) / 1e3, "µs", description);
            results.add(mode, "lagFromAckMax", percentile(lags, 100) / 1e3, "µs", description);
            double[] ratios = runs.stream().mapToDouble(r -> r.writesPerSecond / r.baselineWritesPerSecond).sorted().toArray();
            results.add(mode, "writesPerSecond", median(runs.stream().mapToDouble(r -> r.writesPerSecond).sorted().toArray()), "ops/s",
                    description);
            results.add(mode, "baselineWritesPerSecond",
                    median(runs.stream().mapToDouble(r -> r.baselineWritesPerSecond).sorted().toArray()), "ops/s", description);
            results.add(mode, "throughputRatio", median(ratios), "ratio", description);
            results.add(mode, "throughputRatioMin", ratios[0], "ratio", description);
            results.add(mode, "throughputRatioMax", ratios[ratios.length - 1], "ratio", description);
            Run last = runs.get(runs.size() - 1);
            results.add(mode, "usedMemoryGrowth", median(runs.stream().mapToDouble(r -> r.memoryGrowth).sorted().toArray()), "bytes",
                    description);
            results.add(mode, "trackingTotalKeys", last.trackingKeys, "keys", description);
            results.add(mode, "trackingTotalItems", last.trackingItems, "items", description);
            results.add(mode, "trackingTotalPrefixes", last.trackingPrefixes, "prefixes", description);
        }
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
