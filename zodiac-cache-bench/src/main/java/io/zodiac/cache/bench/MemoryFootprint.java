package io.zodiac.cache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Retained bytes per entry of {@code n} small entries (key {@code "key:" + i}, value
 * {@code Integer i}), zodiac's in-memory backend against raw Caffeine. Not a JMH benchmark: a
 * harness that fills each cache and measures it two ways (JOL only for the unbounded caches
 * without TTL, because walking millions of objects is slow):
 *
 * <ul>
 *   <li><b>JOL</b>: {@code GraphLayout.parseInstance(cache).totalSize()} of the filled cache minus
 *       that of the same cache empty, divided by {@code n}: every byte reachable from the cache,
 *       keys and values included. The bytes of the keys and values alone are reported too, so the
 *       cache's own overhead per entry is the difference.</li>
 *   <li><b>heap delta</b>: heap used (MemoryMXBean, after {@code System.gc()} until stable) after
 *       filling minus before, divided by {@code n}. Keys and values exist before the fill, so this
 *       is the overhead alone; it cross-checks JOL.</li>
 * </ul>
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.zodiac.cache.bench.MemoryFootprint [n] [out.json]}.
 */
public final class MemoryFootprint {

    private MemoryFootprint() {
    }

    /** One cache under test: builds it empty and fills it; {@code jol}: measured by JOL too (slow), not only by heap delta. */
    private record Subject(String name, String description, boolean jol, Function<Integer, Filler> factory) {
    }

    /** A cache being filled; {@link #root()} is what it retains. */
    private interface Filler {
        void put(String key, Object value);

        Object root();

        default void close() {
        }
    }

    public static void main(String[] args) throws Exception {
        // Caffeine's lambdas are hidden classes, whose field offsets Unsafe refuses to tell
        System.setProperty("jol.magicFieldOffset", System.getProperty("jol.magicFieldOffset", "true"));
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path out = Path.of(args.length > 1 ? args[1] : "memory.json");
        List<Subject> subjects = List.of(
                new Subject("caffeine", "Caffeine.newBuilder().build()", true, size -> caffeine(Caffeine.newBuilder().build())),
                new Subject("zodiac", "CacheManager.setup(\"bench\") (in-memory backend, no maxSize)", true,
                        size -> zodiac(CacheConfig.defaults(), null)),
                new Subject("caffeineBounded", "Caffeine.newBuilder().maximumSize(n).build()", false,
                        size -> caffeine(Caffeine.newBuilder().maximumSize(size).build())),
                new Subject("zodiacBounded", "CacheConfig.builder().maxSize(n)", false,
                        size -> zodiac(CacheConfig.builder().maxSize(size).build(), null)),
                new Subject("caffeineTtl", "Caffeine.newBuilder().expireAfter(Expiry.creating(1 h)).build(): per-entry TTL", false,
                        size -> caffeine(Caffeine.newBuilder().expireAfter(Expiry.creating((String k, Object v) -> HitBenchmark.TTL)).build())),
                new Subject("zodiacTtl", "CacheManager.setup(\"bench\"), every entry set with a 1 h TTL", false,
                        size -> zodiac(CacheConfig.defaults(), HitBenchmark.TTL)));

        String[] keys = new String[n];
        Integer[] values = new Integer[n];
        for (int i = 0; i < n; i++) {
            keys[i] = "key:" + i;
            values[i] = i;
        }
        long keyValueBytes = GraphLayout.parseInstance(keys, values).totalSize()
                - VM.current().sizeOf(keys) - VM.current().sizeOf(values);
        double keyValuePerEntry = (double) keyValueBytes / n;
        System.out.printf("%s%nkeys and values alone: %.1f bytes per entry%n", VM.current().details(), keyValuePerEntry);

        Results results = new Results("memory");
        results.context("entries", n);
        for (Subject subject : subjects) {
            double heapDelta = heapDeltaPerEntry(subject, keys, values);
            results.add(subject.name(), "heapDelta", heapDelta, "B/entry", subject.description());
            if (!subject.jol()) {
                System.out.printf("%-18s heap delta %.1f B/entry overhead  [%s]%n", subject.name(), heapDelta, subject.description());
                continue;
            }
            Filler empty = subject.factory().apply(n);
            long emptyBytes = GraphLayout.parseInstance(empty.root()).totalSize();
            Filler full = fill(subject.factory().apply(n), keys, values);
            long fullBytes = GraphLayout.parseInstance(full.root()).totalSize();
            double retained = (double) (fullBytes - emptyBytes) / n;
            System.out.printf("%-18s JOL %.1f B/entry retained (%.1f overhead), heap delta %.1f B/entry overhead  [%s]%n",
                    subject.name(), retained, retained - keyValuePerEntry, heapDelta, subject.description());
            results.add(subject.name(), "retained", retained, "B/entry", subject.description());
            results.add(subject.name(), "overhead", retained - keyValuePerEntry, "B/entry", subject.description());
            empty.close();
            full.close();
        }
        results.add("keysAndValues", "retained", keyValuePerEntry, "B/entry", "String \"key:\" + i and Integer i");
        results.write(out);
    }

    private static Filler fill(Filler filler, String[] keys, Object[] values) {
        for (int i = 0; i < keys.length; i++) {
            filler.put(keys[i], values[i]);
        }
        return filler;
    }

    private static double heapDeltaPerEntry(Subject subject, String[] keys, Object[] values) throws InterruptedException {
        Filler filler = subject.factory().apply(keys.length);
        long before = usedAfterGc();
        fill(filler, keys, values);
        long after = usedAfterGc();
        double perEntry = (double) (after - before) / keys.length;
        if (filler.root() == null) {
            throw new AssertionError();  // keeps the filled cache reachable across the measurement
        }
        filler.close();
        return perEntry;
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long now = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(now - used) < 64 * 1024) {
                return now;
            }
            used = now;
        }
        return used;
    }

    private static Filler caffeine(Cache<String, Object> cache) {
        return new Filler() {
            @Override
            public void put(String key, Object value) {
                cache.put(key, value);
            }

            @Override
            public Object root() {
                cache.cleanUp();
                return cache;
            }
        };
    }

    private static Filler zodiac(CacheConfig config, Duration ttl) {
        CacheManager manager = new CacheManager();
        ZodiacCache cache = manager.setup("bench", config);
        return new Filler() {
            @Override
            public void put(String key, Object value) {
                cache.blocking().set(key, value, ttl);
            }

            @Override
            public Object root() {
                return cache;
            }

            @Override
            public void close() {
                manager.close();
            }
        };
    }
}
