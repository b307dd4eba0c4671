package io.zodiac.cache.bench;

import com.alicp.jetcache.CacheBuilder;
import com.alicp.jetcache.anno.CacheConsts;
import com.alicp.jetcache.anno.CachePenetrationProtect;
import com.alicp.jetcache.anno.CacheType;
import com.alicp.jetcache.anno.config.EnableMethodCache;
import com.alicp.jetcache.anno.support.GlobalCacheConfig;
import com.alicp.jetcache.anno.support.JetCacheBaseBeans;
import com.alicp.jetcache.embedded.CaffeineCacheBuilder;
import com.alicp.jetcache.support.Fastjson2KeyConvertor;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.Cached;
import io.zodiac.cache.CachedProxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * One {@link Service}, cached by each system under test, each set up the way its documentation
 * shows: zodiac's {@code @Cached} through {@link CachedProxy} and through the Spring Boot starter;
 * Spring's {@code @Cacheable} on a {@link CaffeineCacheManager} and JetCache's {@code @Cached} on a
 * local Caffeine cache with its default key convertor (fastjson2) and statistics off, both in a real
 * {@link AnnotationConfigApplicationContext}. Every cache is bounded to {@link #LIMIT} entries.
 */
public final class Services {

    /** The entry bound of every method cache: twice the key array, as in {@code GetPutBenchmark}. */
    static final int LIMIT = 2 * ZipfKeys.SIZE;

    private Services() {
    }

    /** What the cached methods call: a constant lookup, and a slow, counted load for the stampede. */
    public static final class Source {
        private final String[] values = new String[ZipfKeys.ITEMS];
        private final AtomicInteger finds = new AtomicInteger();
        private final AtomicInteger loads = new AtomicInteger();
        private final long loadMillis;

        public Source(long loadMillis) {
            this.loadMillis = loadMillis;
            for (int i = 0; i < values.length; i++) {
                values[i] = "value-" + i;
            }
        }

        public String find(int id) {
            finds.incrementAndGet();
            return values[id];
        }

        public String load(String key) {
            loads.incrementAndGet();
            try {
                Thread.sleep(loadMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return "loaded:" + key;
        }

        /** How many times {@link #find} ran (cache misses). */
        public int finds() {
            return finds.get();
        }

        /** How many times {@link #load} ran. */
        public int loads() {
            return loads.get();
        }
    }

    /** The service every system caches: a hit-path method and a stampede method. */
    public interface Service {
        String find(int id);

        String load(String key);
    }

    // ------------------------------------------------------------------ zodiac

    /** zodiac's {@code @Cached} on the default cache, through {@link CachedProxy}. */
    public static class ZodiacService implements Service {
        private final Source source;

        public ZodiacService(Source source) {
            this.source = source;
        }

        @Override
        @Cached
        public String find(int id) {
            return source.find(id);
        }

        @Override
        @Cached
        public String load(String key) {
            return source.load(key);
        }
    }

    /** A {@link CachedProxy} of {@link ZodiacService} on {@code manager}, which must have its default cache set up. */
    static Service zodiacProxy(CacheManager manager, Source source) {
        return CachedProxy.of(manager, Service.class, new ZodiacService(source));
    }

    /**
     * A Spring Boot application with the zodiac starter: {@link ZodiacService} as a bean, whose
     * {@code @Cached} methods the starter proxies, on the in-memory {@code default} cache; and
     * Spring's {@code @Cacheable} ({@link SpringService}) through the starter's Spring cache
     * bridge on zodiac in-memory caches {@code find} and {@code load}. Every cache has the same bound.
     */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableCaching
    public static class StarterApp {
        @Bean
        public Service zodiacService(Source source) {
            return new ZodiacService(source);
        }

        @Bean
        public Service springService(Source source) {
            return new SpringService(source);
        }
    }

    /** A started {@link StarterApp} with {@code source} as a bean. */
    static ConfigurableApplicationContext starter(Source source) {
        return new SpringApplicationBuilder(StarterApp.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .initializers(context -> context.getBeanFactory().registerSingleton("source", source))
                .run("--zodiac.cache.global=false", "--zodiac.cache.prefix=bench", "--zodiac.cache.caches.default.max-size=" + LIMIT,
                        "--zodiac.cache.caches.find.max-size=" + LIMIT, "--zodiac.cache.caches.load.max-size=" + LIMIT);
    }

    // ------------------------------------------------------------------ Spring Cache

    public static class SpringService implements Service {
        private final Source source;

        public SpringService(Source source) {
            this.source = source;
        }

        @Override
        @Cacheable("find")
        public String find(int id) {
            return source.find(id);
        }

        @Override
        @Cacheable(cacheNames = "load", sync = true)
        public String load(String key) {
            return source.load(key);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    public static class SpringConfig {
        @Bean
        public CaffeineCacheManager cacheManager() {
            CaffeineCacheManager manager = new CaffeineCacheManager();
            manager.setCaffeine(Caffeine.newBuilder().maximumSize(LIMIT));
            return manager;
        }

        @Bean
        public Service service(Source source) {
            return new SpringService(source);
        }
    }

    // ------------------------------------------------------------------ JetCache

    public static class JetCacheService implements Service {
        private final Source source;

        public JetCacheService(Source source) {
            this.source = source;
        }

        @Override
        @com.alicp.jetcache.anno.Cached(name = "find.", cacheType = CacheType.LOCAL, expire = 3600, localLimit = LIMIT)
        public String find(int id) {
            return source.find(id);
        }

        @Override
        @com.alicp.jetcache.anno.Cached(name = "load.", cacheType = CacheType.LOCAL, expire = 3600, localLimit = LIMIT)
        @CachePenetrationProtect
        public String load(String key) {
            return source.load(key);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableMethodCache(basePackages = "io.zodiac.cache.bench")
    @Import(JetCacheBaseBeans.class)
    public static class JetCacheConfig {
        @Bean
        public GlobalCacheConfig globalCacheConfig() {
            Map<String, CacheBuilder> local = new HashMap<>();
            local.put(CacheConsts.DEFAULT_AREA, CaffeineCacheBuilder.createCaffeineCacheBuilder()
                    .keyConvertor(Fastjson2KeyConvertor.INSTANCE).limit(LIMIT));
            GlobalCacheConfig config = new GlobalCacheConfig();
            config.setLocalCacheBuilders(local);
            config.setRemoteCacheBuilders(new HashMap<>());
            config.setStatIntervalMinutes(0);
            return config;
        }

        @Bean
        public Service service(Source source) {
            return new JetCacheService(source);
        }
    }

    /** A started context of {@code config} with {@code source} as a bean. */
    static AnnotationConfigApplicationContext context(Class<?> config, Source source) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(Source.class, () -> source);
        context.register(config);
        context.refresh();
        return context;
    }
}
