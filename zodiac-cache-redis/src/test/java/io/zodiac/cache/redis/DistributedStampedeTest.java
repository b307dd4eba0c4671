package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.contract.StampedeChild;
import io.zodiac.cache.testkit.RedisCluster;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * getOrSet across JVMs: {@value #CHILDREN} child JVMs x {@value #CALLERS} callers race on one cold
 * key whose producer takes {@value #PRODUCE_MILLIS} ms under a {@value #LEASE_MILLIS} ms lease.
 * Exactly one producer runs in all JVMs, every caller gets its value, and the callers of the other
 * JVMs are woken by the release message, not by the lease.
 */
class DistributedStampedeTest {

    private static final int CHILDREN = 4;
    private static final int CALLERS = 50;
    private static final long PRODUCE_MILLIS = 300;
    /**
     * Long enough that a waiter woken by the lease instead of the release message cannot pass for
     * a slow machine: the bound on the wake-up lag below leaves seconds of scheduling slack on a
     * loaded CI runner and still sits far below the lease.
     */
    private static final long LEASE_MILLIS = 30_000;
    /** The latest caller returns within this of the release; a lease wake-up would take ~{@value #LEASE_MILLIS} ms. */
    private static final long MAX_WAKE_UP_LAG_MILLIS = 5_000;

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();
    @RegisterExtension
    static final RedisExtension CLUSTER = RedisExtension.cluster();

    @Test
    void oneProducerForAllJvmsOnAStandaloneNode() throws Exception {
        RedisServer server = REDIS.server();
        race("standalone", Map.of("cache", "redis", "endpoint", server.host(), "port", server.port()),
                key -> server.command("GET", key));
    }

    @Test
    void oneProducerForAllJvmsOnACluster() throws Exception {
        RedisCluster cluster = CLUSTER.redisCluster();
        race("cluster", Map.of("cache", "redis", "cluster", String.join(",", cluster.seeds())),
                key -> cluster.nodeForKey(key).command("GET", key));
    }

    /** Runs the race on the cache that {@code options} configure; {@code rawGet} reads a Redis key as text. */
    private void race(String mode, Map<String, ?> options, Function<String, String> rawGet) throws Exception {
        String prefix = "stampede-" + mode + "-" + UUID.randomUUID();
        String key = "cold";
        List<ChildProcess> children = new ArrayList<>();
        try {
            CountDownLatch ready = new CountDownLatch(CHILDREN);
            for (int i = 0; i < CHILDREN; i++) {
                children.add(ChildProcess.start(ready, StampedeChild.command(prefix, key, CALLERS,
                        Duration.ofMillis(PRODUCE_MILLIS), Duration.ofMillis(LEASE_MILLIS), options)));
            }
            assertThat(ready.await(120, TimeUnit.SECONDS)).as("children ready: %s", children).isTrue();
            for (ChildProcess child : children) {
                child.send("GO");
            }

            for (ChildProcess child : children) {
                assertThat(child.process.waitFor(60, TimeUnit.SECONDS)).as("child exited: %s", child).isTrue();
                child.reader.join(10_000);
                assertThat(child.process.exitValue()).as("exit code of %s", child).isZero();
                assertThat(child.lines).as("output of %s", child).contains("DONE").noneMatch(l -> l.startsWith("FAILED"));
            }
        } finally {
            children.forEach(child -> child.process.destroyForcibly());
        }

        List<String> values = new ArrayList<>();
        List<Long> returns = new ArrayList<>();
        List<Long> releases = new ArrayList<>();
        int produced = 0;
        for (ChildProcess child : children) {
            for (String line : child.lines) {
                String[] parts = line.split(" ");
                switch (parts[0]) {
                    case "RESULT" -> {
                        values.add(parts[1]);
                        returns.add(Long.parseLong(parts[2]));
                    }
                    case "RELEASE" -> releases.add(Long.parseLong(parts[1]));
                    case "PRODUCED" -> produced++;
                    case "LOCKS" -> assertThat(Integer.parseInt(parts[1]))
                            .as("lock attempts of one JVM: its callers share one flight").isLessThanOrEqualTo(1);
                    default -> {
                    }
                }
            }
        }
        String namespace = "zodiac_cache:" + prefix + ":";
        assertThat(rawGet.apply(namespace + StampedeChild.PRODUCER_CALLS)).as("producer calls counted in Redis").isEqualTo("1");
        assertThat(produced).as("producer calls reported by the children").isEqualTo(1);
        assertThat(values).hasSize(CHILDREN * CALLERS);
        assertThat(values).as("every caller gets the one produced value").containsOnly(values.get(0));
        assertThat(rawGet.apply(namespace + key)).isEqualTo("\"" + values.get(0) + "\"");
        assertThat(releases).as("one release").hasSize(1);

        long release = releases.get(0);
        List<Long> lags = new ArrayList<>();
        returns.forEach(at -> lags.add(at - release));
        Collections.sort(lags);
        long max = lags.get(lags.size() - 1);
        System.out.printf("%s: %d JVMs x %d callers, producer %d ms, lease %d ms: caller return minus release: "
                        + "min %d ms, median %d ms, max %d ms (bound %d ms)%n", mode, CHILDREN, CALLERS,
                PRODUCE_MILLIS, LEASE_MILLIS, lags.get(0), lags.get(lags.size() / 2), max, MAX_WAKE_UP_LAG_MILLIS);
        assertThat(max).as("latest caller's return after the release, in ms (woken by the release, not the %d ms lease)",
                        LEASE_MILLIS)
                .isLessThan(MAX_WAKE_UP_LAG_MILLIS);
    }
}
