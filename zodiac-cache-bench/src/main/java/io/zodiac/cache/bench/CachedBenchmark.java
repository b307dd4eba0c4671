package io.zodiac.cache.bench;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.key.CanonicalKey;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The hit path of an annotated cached method {@code String find(int id)}: zodiac's
 * {@code @Cached} through {@code CachedProxy} and through the Spring Boot starter, against Spring's
 * {@code @Cacheable} on Caffeine and JetCache's {@code @Cached} (local). The ids are the
 * Zipf-distributed key stream of {@link HitBenchmark}; every id is cached during setup, and the
 * trial fails if the method ran again afterwards: every measured call is a hit.
 *
 * <p>Each system lives in its own {@link State}, so a benchmark starts only its own context.
 */
public class CachedBenchmark {

    static final int[] IDS = ZipfKeys.items();

    @State(Scope.Thread)
    public static class ThreadState {
        int index = ThreadLocalRandom.current().nextInt();

        int next() {
            return IDS[index++ & ZipfKeys.MASK];
        }
    }

    /** A started Spring context whose {@link Services.Service} {@link #bean()} is warmed with every id. */
    public abstract static class ContextState {
        final Services.Source source = new Services.Source(0);
        ConfigurableApplicationContext context;
        Services.Service service;
        int misses;

        abstract ConfigurableApplicationContext start(Services.Source source);

        String bean() {
            return "service";
        }

        @Setup(Level.Trial)
        public void setup() {
            context = start(source);
            service = context.getBean(bean(), Services.Service.class);
            misses = warm(service, source);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            context.close();
            checkAllHits(source, misses);
        }
    }

    @State(Scope.Benchmark)
    public static class Spring extends ContextState {
        @Override
        ConfigurableApplicationContext start(Services.Source source) {
            return Services.context(Services.SpringConfig.class, source);
        }
    }

    @State(Scope.Benchmark)
    public static class JetCache extends ContextState {
        @Override
        ConfigurableApplicationContext start(Services.Source source) {
            return Services.context(Services.JetCacheConfig.class, source);
        }
    }

    /** zodiac's {@code @Cached} on a bean, proxied by the Spring Boot starter. */
    @State(Scope.Benchmark)
    public static class Starter extends ContextState {
        @Override
        ConfigurableApplicationContext start(Services.Source source) {
            return Services.starter(source);
        }

        @Override
        String bean() {
            return "zodiacService";
        }
    }

    /** Spring's {@code @Cacheable} through the starter's Spring cache bridge on zodiac caches. */
    @State(Scope.Benchmark)
    public static class StarterBridge extends Starter {
        @Override
        String bean() {
            return "springService";
        }
    }

    @State(Scope.Benchmark)
    public static class Proxy {
        final Services.Source source = new Services.Source(0);
        CacheManager manager;
        Services.Service service;
        int misses;

        @Setup(Level.Trial)
        public void setup() {
            manager = new CacheManager();
            manager.setup("bench", CacheConfig.builder().maxSize(Services.LIMIT).build());
            service = Services.zodiacProxy(manager, source);
            misses = warm(service, source);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
            checkAllHits(source, misses);
        }
    }

    /** Calls the service with every id; returns the misses so far (one per distinct id). */
    static int warm(Services.Service service, Services.Source source) {
        for (int id : IDS) {
            if (service.find(id) == null) {
                throw new IllegalStateException("no value for " + id);
            }
        }
        return source.finds();
    }

    static void checkAllHits(Services.Source source, int missesAfterWarmUp) {
        if (source.finds() != missesAfterWarmUp) {
            throw new IllegalStateException((source.finds() - missesAfterWarmUp) + " measured calls missed the cache");
        }
    }

    @Benchmark
    public String zodiac_cachedProxy(Proxy system, ThreadState state) {
        return system.service.find(state.next());
    }

    /**
     * The same proxy in a JVM whose key memo holds 1,024 argument lists per method, fewer than the
     * 5,461 ids of the stream: the calls whose ids it does not hold compute SHA-256.
     */
    @Benchmark
    @Fork(jvmArgsAppend = "-D" + CanonicalKey.MEMO_SIZE_PROPERTY + "=1024")
    public String zodiac_cachedProxy_smallMemo(Proxy system, ThreadState state) {
        return system.service.find(state.next());
    }

    @Benchmark
    public String zodiac_starter_cached(Starter system, ThreadState state) {
        return system.service.find(state.next());
    }

    @Benchmark
    public String zodiac_starter_cacheable(StarterBridge system, ThreadState state) {
        return system.service.find(state.next());
    }

    @Benchmark
    public String spring_cacheable(Spring system, ThreadState state) {
        return system.service.find(state.next());
    }

    @Benchmark
    public String jetcache_cached(JetCache system, ThreadState state) {
        return system.service.find(state.next());
    }
}
