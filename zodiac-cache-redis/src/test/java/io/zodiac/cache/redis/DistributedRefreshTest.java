package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.contract.RefreshChild;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refresh-ahead across JVMs: {@value #CHILDREN} child JVMs x {@value #CALLERS} callers hit one key
 * that is old enough to refresh, at once. Every caller gets the stored value at once, and exactly
 * one refresh runs in all JVMs (the one that takes the key's lock); its value replaces the old one.
 */
class DistributedRefreshTest {

    private static final int CHILDREN = 4;
    private static final int CALLERS = 20;
    private static final Duration PRODUCE = Duration.ofMillis(300);
    private static final Duration TTL = Duration.ofSeconds(20);
    private static final Duration REFRESH_AFTER = Duration.ofSeconds(1);

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    @Test
    void oneRefreshForAllJvms() throws Exception {
        RedisServer server = REDIS.server();
        Map<String, Object> options = Map.of("cache", "redis", "endpoint", server.host(), "port", server.port());
        String prefix = "refresh-" + UUID.randomUUID();
        String key = "hot";
        List<ChildProcess> children = new ArrayList<>();
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup(prefix, CacheConfig.fromMap(options));
            CountDownLatch ready = new CountDownLatch(CHILDREN);
            for (int i = 0; i < CHILDREN; i++) {
                children.add(ChildProcess.start(ready, RefreshChild.command(prefix, key, CALLERS, PRODUCE, TTL, REFRESH_AFTER, options)));
            }
            assertThat(ready.await(120, TimeUnit.SECONDS)).as("children ready: %s", children).isTrue();
            // stored once every child is ready, so that slow JVM start-ups on a busy machine cannot outlast its TTL
            cache.set(key, "stored", TTL).join();
            // the entry is due once it is older than refreshAfter
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cache.ttl(key).join().compareTo(TTL.minus(REFRESH_AFTER).minusMillis(100)) < 0);
            long go = System.nanoTime();
            for (ChildProcess child : children) {
                child.send("GO");
            }
            for (ChildProcess child : children) {
                assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).as("child exited: %s", child).isTrue();
                child.reader.join(10_000);
                assertThat(child.process.exitValue()).as("exit code of %s", child).isZero();
                assertThat(child.lines).as("output of %s", child).contains("DONE").noneMatch(l -> l.startsWith("FAILED"));
            }

            List<String> values = new ArrayList<>();
            int produced = 0;
            for (ChildProcess child : children) {
                for (String line : child.lines) {
                    if (line.startsWith("RESULT ")) {
                        values.add(line.substring("RESULT ".length()));
                    } else if (line.startsWith("PRODUCED ")) {
                        produced++;
                    }
                }
            }
            String namespace = "zodiac_cache:" + prefix + ":";
            assertThat(server.command("GET", namespace + RefreshChild.PRODUCER_CALLS)).as("refreshes counted in Redis").isEqualTo("1");
            assertThat(produced).as("refreshes reported by the children").isEqualTo(1);
            assertThat(values).as("callers").hasSize(CHILDREN * CALLERS * 5);
            Object refreshed = cache.get(key).join();
            assertThat(refreshed).asString().startsWith("refreshed-by-");
            assertThat(values).as("hits return the stored value, or the refreshed one once it is stored")
                    .contains("stored").isSubsetOf("stored", (String) refreshed);
            Duration sinceGo = Duration.ofNanos(System.nanoTime() - go);
            assertThat(cache.ttl(key).join()).as("stored after GO with a fresh TTL").isGreaterThan(TTL.minus(sinceGo).minusMillis(5));
        } finally {
            children.forEach(child -> child.process.destroyForcibly());
        }
    }
}
