package io.zodiac.cache.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.ZodiacCache;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link CacheContract} of a backend on a server, plus what only a server can do to a cache:
 * die and come back, freeze and thaw. {@code getOrSet} fails open (the producer's value, within a
 * bound), direct calls report the failure, and the cache works again once the server does. The
 * in-memory backend has no server and runs the plain {@link CacheContract}.
 */
public abstract class ServerCacheContract extends CacheContract {

    private static final Duration FAULT_OPERATION_TIMEOUT = Duration.ofMillis(500);
    /** A getOrSet makes a few backend calls; on a busy 2-core machine: "bounded", not "fast". */
    private static final Duration FAULT_CALL_BOUND = FAULT_OPERATION_TIMEOUT.multipliedBy(10);
    private static final Duration RECOVERY = Duration.ofSeconds(30);

    /** Control over the server process(es) of this backend. */
    protected abstract ServerFaults faults();

    /** Runs before {@link CacheContract}'s own clean-up: the manager closes against a live server. */
    @AfterEach
    void restoreServer() {
        faults().ensureRunning();
    }

    @Test
    void killedServerGetOrSetFailsOpenDirectCallsReportItAndRestartRecovers() throws Exception {
        ServerFaults faults = faults();
        ZodiacCache faulty = faultCache();
        faulty.blocking().set("k", "before");
        faults.kill();
        try {
            for (int i = 0; i < 10; i++) {
                assertThat(within(FAULT_CALL_BOUND, faulty.getOrSet("k" + (i % 3),
                        () -> CompletableFuture.completedFuture("from the source")))).isEqualTo("from the source");
            }
            assertThat(failureWithin(FAULT_CALL_BOUND, faulty.get("k"))).isInstanceOf(Exception.class);
            assertThat(failureWithin(FAULT_CALL_BOUND, faulty.set("k", "x"))).isInstanceOf(Exception.class);
        } finally {
            faults.restart();
        }
        await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> {
            assertThat(faulty.blocking().set("k", "after")).isTrue();
            assertThat(faulty.blocking().get("k")).isEqualTo("after");
        });
        assertThat(within(FAULT_CALL_BOUND, faulty.getOrSet("new", () -> CompletableFuture.completedFuture("stored"))))
                .isEqualTo("stored");
        assertThat(faulty.blocking().get("new")).isEqualTo("stored");
    }

    @Test
    void pausedServerGetOrSetFailsOpenDirectCallsReportItAndResumeRecovers() throws Exception {
        ServerFaults faults = faults();
        ZodiacCache faulty = faultCache();
        faulty.blocking().set("k", "cached");
        faults.pause();
        try {
            assertThat(within(FAULT_CALL_BOUND, faulty.getOrSet("k", () -> CompletableFuture.completedFuture("fresh"))))
                    .isEqualTo("fresh");
            assertThat(failureWithin(FAULT_CALL_BOUND, faulty.get("k"))).isInstanceOf(Exception.class);
        } finally {
            faults.resume();
        }
        await().atMost(RECOVERY).ignoreExceptions()
                .untilAsserted(() -> assertThat(faulty.blocking().get("k")).isEqualTo("cached"));
    }

    private ZodiacCache faultCache() {
        return manager.setup(otherPrefix("faults"), config().name("faults").operationTimeout(FAULT_OPERATION_TIMEOUT)
                .circuitBreaker(3, Duration.ofSeconds(1)).build());
    }

}
