package io.zodiac.cache.bench;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Benchmark;
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
 * Zipf-distributed key stream of {@link HitBenchmark}; every id is cached during setup, so every
 * call is a hit (the source counts nothing: a miss would only cost more, never less).
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

    /** A started Spring context whose {@link Peers.Service} {@link #bean()} is warmed with every id. */
    public abstract static class ContextState {
        ConfigurableApplicationContext context;
        Peers.Service service;

        abstract ConfigurableApplicationContext start(Peers.Source source);

        String bean() {
            return "service";
        }

        @Setup(Level.Trial)
        public void setup() {
            context = start(new Peers.Source(0));
            service = context.getBean(bean(), Peers.Service.class);
            warm(service);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            context.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Spring extends ContextState {
        @Override
        ConfigurableApplicationContext start(Peers.Source source) {
            return Peers.context(Peers.SpringConfig.class, source);
        }
    }

    @State(Scope.Benchmark)
    public static class JetCache extends ContextState {
        @Override
        ConfigurableApplicationContext start(Peers.Source source) {
            return Peers.context(Peers.JetCacheConfig.class, source);
        }
    }

    /** zodiac's {@code @Cached} on a bean, proxied by the Spring Boot starter. */
    @State(Scope.Benchmark)
    public static class Starter extends ContextState {
        @Override
        ConfigurableApplicationContext start(Peers.Source source) {
            return Peers.starter(source);
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
        CacheManager manager;
        Peers.Service service;

        @Setup(Level.Trial)
        public void setup() {
            manager = new CacheManager();
            manager.setup("bench", CacheConfig.builder().maxSize(Peers.LIMIT).build());
            service = Peers.zodiacProxy(manager, new Peers.Source(0));
            warm(service);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    static void warm(Peers.Service service) {
        for (int id : IDS) {
            if (service.find(id) == null) {
                throw new IllegalStateException("no value for " + id);
            }
        }
    }

    @Benchmark
    public String zodiac_cachedProxy(Proxy system, ThreadState state) {
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
