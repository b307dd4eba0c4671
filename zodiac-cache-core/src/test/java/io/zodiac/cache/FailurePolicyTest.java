package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.FaultyBackendProvider.FaultyBackend;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.OperationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fail-open, timeouts and the circuit breaker, on a backend that fails or hangs like a dead or paused server. */
@Timeout(30)
class FailurePolicyTest {

    private final CacheManager manager = new CacheManager();
    private final List<CacheEvent> events = new CopyOnWriteArrayList<>();
    private final ZodiacCache cache = manager.setup("faults", CacheConfig.builder()
            .backend("faulty").option("endpoint", "localhost").serializer("json")
            .operationTimeout(Duration.ofMillis(200))
            .circuitBreaker(3, Duration.ofMillis(300))
            .plugins(new CachePlugin() {
                @Override
                public void onEvent(CacheEvent event) {
                    events.add(event);
                }
            })
            .build());
    private final FaultyBackend backend = (FaultyBackend) ((DefaultZodiacCache) cache).backend();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void directOperationsReportBackendErrorsToTheCaller() {
        backend.mode = FaultyBackend.Mode.FAIL;
        assertThatThrownBy(() -> cache.get("k").join()).isInstanceOf(CompletionException.class)
                .hasRootCauseInstanceOf(java.net.ConnectException.class);
        assertThatThrownBy(() -> cache.blocking().set("k", 1)).hasRootCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aHungBackendTimesOutInsteadOfHangingTheCaller() {
        backend.mode = FaultyBackend.Mode.HANG;
        assertThatThrownBy(() -> cache.get("k").get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(CacheTimeoutException.class)
                .hasMessageContaining("GET of key 'k' timed out after 200 ms");
    }

    /** A backend with a command timeout of its own, for {@code GET}: its timeouts read as the cache's. */
    private ZodiacCache selfTimed() {
        return manager.setup("self-timed", CacheConfig.builder().name("self-timed")
                .backend("faulty").option("endpoint", "localhost").option("times_out", "GET").serializer("json")
                .operationTimeout(Duration.ofMillis(200))
                .build());
    }

    @Test
    void aBackendsOwnTimeoutIsReportedAsTheCachesTimeout() {
        ZodiacCache selfTimed = selfTimed();
        ((FaultyBackend) ((DefaultZodiacCache) selfTimed).backend()).mode = FaultyBackend.Mode.OWN_TIMEOUT;
        assertThatThrownBy(() -> selfTimed.get("k").join())
                .hasCauseInstanceOf(CacheTimeoutException.class)
                .hasMessageContaining("GET of key 'k' timed out after 200 ms");
        assertThat(selfTimed.blocking().getOrSet("k", () -> "produced")).as("getOrSet fails open").isEqualTo("produced");
    }

    @Test
    void theCacheAddsNoTimerToWhatTheBackendTimesOutItself() {
        ZodiacCache selfTimed = selfTimed();
        ((FaultyBackend) ((DefaultZodiacCache) selfTimed).backend()).mode = FaultyBackend.Mode.HANG;
        CompletableFuture<Object> get = selfTimed.get("k");
        assertThatThrownBy(() -> selfTimed.set("k", "v").get(5, TimeUnit.SECONDS))
                .as("SET is not timed by the backend: the cache bounds it")
                .hasCauseInstanceOf(CacheTimeoutException.class);
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> !get.isDone());
    }

    /** A caller that sees a result finds the operation already in the plugins' figures, however late the backend answers. */
    @Test
    @SuppressWarnings("unchecked")
    void pluginsHaveSeenAnOperationWhenItsFutureCompletes() {
        List<String> posted = new CopyOnWriteArrayList<>();
        ZodiacCache observed = manager.setup("observed", CacheConfig.builder().name("observed")
                .backend("faulty").option("endpoint", "localhost").serializer("json")
                .plugins(new CachePlugin() {
                    @Override
                    public void post(OperationEvent event) {
                        posted.add(event.operation().name());
                    }
                })
                .build());
        FaultyBackend slow = (FaultyBackend) ((DefaultZodiacCache) observed).backend();
        slow.mode = FaultyBackend.Mode.HANG;
        List<String> seenByCaller = new CopyOnWriteArrayList<>();
        observed.get("k").thenRun(() -> seenByCaller.add("get after " + posted));
        ((CompletableFuture<Object>) slow.lastHung).complete(null);
        observed.delete("k").thenRun(() -> seenByCaller.add("delete after " + posted));
        ((CompletableFuture<Object>) slow.lastHung).complete(true);
        assertThat(seenByCaller).containsExactly("get after [GET]", "delete after [GET, DELETE]");
    }

    @Test
    void getOrSetFailsOpenWhenTheBackendFails() {
        cache.blocking().set("k", "stored");
        backend.mode = FaultyBackend.Mode.FAIL;
        AtomicInteger calls = new AtomicInteger();
        assertThat(cache.blocking().getOrSet("k", () -> "produced" + calls.incrementAndGet())).isEqualTo("produced1");
        assertThat(events).anyMatch(e -> e.kind() == CacheEvent.Kind.FAIL_OPEN && "k".equals(e.key()));
        backend.mode = FaultyBackend.Mode.OK;
        assertThat(cache.blocking().get("k")).as("a failure loses nothing already stored").isEqualTo("stored");
    }

    @Test
    void getOrSetAllFailsOpenWhenTheBackendFails() {
        cache.blocking().set("a", "stored");
        backend.mode = FaultyBackend.Mode.FAIL;
        List<Set<String>> asked = new CopyOnWriteArrayList<>();
        Map<String, String> values = cache.blocking().getOrSetAll(List.of("b", "a"), keys -> {
            asked.add(keys);
            return Map.of("a", "A", "b", "B");
        }, GetOrSetOptions.defaults());
        assertThat(asked).as("the loader runs for every key").containsExactly(Set.of("a", "b"));
        assertThat(new ArrayList<>(values.entrySet())).containsExactly(Map.entry("b", "B"), Map.entry("a", "A"));
        assertThat(events).anyMatch(e -> e.kind() == CacheEvent.Kind.FAIL_OPEN);
        backend.mode = FaultyBackend.Mode.OK;
        assertThat(cache.blocking().get("a")).as("nothing stored, nothing lost").isEqualTo("stored");
        assertThat(cache.blocking().exists("b")).isFalse();
    }

    @Test
    void getOrSetFailsOpenWhenTheBackendHangs() {
        backend.mode = FaultyBackend.Mode.HANG;
        CompletableFuture<String> result = cache.getOrSet("k", () -> CompletableFuture.completedFuture("produced"));
        assertThat(result.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo("produced");
    }

    /**
     * A getOrSet waits for the backend one operation timeout in total, not one per call: here its
     * read takes 150 of the 200 ms, so it stops waiting for the lock attempt, which then succeeds
     * (with a one-minute lease). The lock taken too late is released, not left to its lease.
     */
    @Test
    void aLockTakenAfterGetOrSetStoppedWaitingForItIsReleased() throws Exception {
        backend.slowness = Duration.ofMillis(150);
        backend.mode = FaultyBackend.Mode.SLOW;
        CompletableFuture<String> result = cache.getOrSet("k", () -> CompletableFuture.completedFuture("produced"),
                GetOrSetOptions.<String>defaults().lease(Duration.ofMinutes(1)));
        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("produced");
        backend.mode = FaultyBackend.Mode.OK;
        await().atMost(Duration.ofSeconds(10))
                .until(() -> backend.tryLock("k", "another caller", Duration.ofMinutes(1)).join());
    }

    /**
     * Every caller reads on its own (hits are not coalesced); callers whose read failed while a
     * fail-open flight of the key is under way join it. The backend fails at once here, so every
     * caller has failed before the producer can finish.
     */
    @Test
    void concurrentCallersShareOneFailOpenProducer() {
        backend.mode = FaultyBackend.Mode.FAIL;
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> gate = new CompletableFuture<>();
        List<CompletableFuture<String>> callers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            callers.add(cache.getOrSet("k", () -> {
                calls.incrementAndGet();
                return gate;
            }));
        }
        await().atMost(Duration.ofSeconds(5)).untilAtomic(calls, org.hamcrest.Matchers.equalTo(1));
        gate.complete("v");
        callers.forEach(caller -> assertThat(caller.orTimeout(5, TimeUnit.SECONDS).join()).isEqualTo("v"));
        assertThat(calls).hasValue(1);
    }

    @Test
    void theBreakerOpensAfterRepeatedFailuresAndStopsCallingTheBackend() {
        // open for a minute, so that no probe can pass however slowly this test runs
        ZodiacCache longOpen = manager.setup("faults-long", CacheConfig.builder().name("long-open")
                .backend("faulty").option("endpoint", "localhost").serializer("json")
                .operationTimeout(Duration.ofMillis(200)).circuitBreaker(3, Duration.ofMinutes(1))
                .plugins(new CachePlugin() {
                    @Override
                    public void onEvent(CacheEvent event) {
                        events.add(event);
                    }
                })
                .build());
        FaultyBackend failing = (FaultyBackend) ((DefaultZodiacCache) longOpen).backend();
        failing.mode = FaultyBackend.Mode.FAIL;
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> longOpen.get("k").join()).hasRootCauseInstanceOf(java.net.ConnectException.class);
        }
        int callsWhenOpened = failing.calls.get();
        assertThatThrownBy(() -> longOpen.get("k").join()).hasCauseInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("circuit open");
        assertThat(longOpen.blocking().getOrSet("k", () -> "fallback")).isEqualTo("fallback");
        assertThat(failing.calls.get()).as("an open breaker keeps calls away from the backend").isEqualTo(callsWhenOpened);
        assertThat(events).anyMatch(e -> e.kind() == CacheEvent.Kind.CIRCUIT_OPENED);
    }

    /** A cache on its own faulty backend, with {@code policy}, open for a minute so that no probe passes during a row. */
    private ZodiacCache breakerCache(String name, CircuitBreakerPolicy policy) {
        return manager.setup("faults-" + name, CacheConfig.builder().name(name)
                .backend("faulty").option("endpoint", "localhost").serializer("json")
                .operationTimeout(Duration.ofSeconds(2)).circuitBreaker(policy.openFor(Duration.ofMinutes(1)))
                .plugins(new CachePlugin() {
                    @Override
                    public void onEvent(CacheEvent event) {
                        events.add(event);
                    }
                })
                .build());
    }

    /** Runs {@code calls} gets, swallowing their errors; the number that the breaker refused. */
    private static int refusedOf(ZodiacCache cache, int calls) {
        int refused = 0;
        for (int i = 0; i < calls; i++) {
            Throwable error = cache.get("k").handle((value, e) -> e).join();
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            if (cause instanceof CacheUnavailableException) {
                refused++;
            }
        }
        return refused;
    }

    @Test
    void aBackendFailingEveryOtherCallOpensTheBreaker() {
        // Consecutive-failure counting never saw two failures in a row here.
        ZodiacCache flaky = breakerCache("flaky", CircuitBreakerPolicy.defaults());
        FaultyBackend backend = (FaultyBackend) ((DefaultZodiacCache) flaky).backend();
        backend.mode = FaultyBackend.Mode.FLAKY;
        assertThat(refusedOf(flaky, 10)).as("half of the last calls failed: opens").isPositive();
        int callsWhenOpened = backend.calls.get();
        assertThat(refusedOf(flaky, 20)).isEqualTo(20);
        assertThat(backend.calls.get()).as("no call reaches the backend").isEqualTo(callsWhenOpened);
        assertThat(events).anyMatch(e -> e.kind() == CacheEvent.Kind.CIRCUIT_OPENED);
    }

    @Test
    void aBackendAnsweringJustUnderTheTimeoutOpensTheBreaker() {
        // Every call succeeds, slowly: 150 ms against a 200 ms slow-call threshold would pass; 250 ms does not.
        ZodiacCache slow = breakerCache("slow", CircuitBreakerPolicy.defaults().slowCall(Duration.ofMillis(200)));
        FaultyBackend backend = (FaultyBackend) ((DefaultZodiacCache) slow).backend();
        backend.slowness = Duration.ofMillis(250);
        backend.mode = FaultyBackend.Mode.SLOW;
        assertThat(slow.blocking().set("k", "v")).as("slow, not failed").isTrue();
        assertThat(refusedOf(slow, 10)).as("5 slow calls of 5: opens").isPositive();
        assertThatThrownBy(() -> slow.get("k").join()).hasCauseInstanceOf(CacheUnavailableException.class)
                .hasMessageContaining("circuit open");
        assertThat(slow.blocking().getOrSet("other", () -> "from the source")).isEqualTo("from the source");
    }

    @Test
    void aHealthyBackendWithRareFailuresAndQuickAnswersKeepsTheBreakerClosed() {
        ZodiacCache healthy = breakerCache("healthy", CircuitBreakerPolicy.defaults().slowCall(Duration.ofMillis(500)));
        FaultyBackend backend = (FaultyBackend) ((DefaultZodiacCache) healthy).backend();
        for (int i = 0; i < 50; i++) {
            backend.mode = i % 5 == 0 ? FaultyBackend.Mode.FAIL : FaultyBackend.Mode.OK; // 20% failures
            healthy.get("k").handle((value, e) -> e).join();
        }
        backend.mode = FaultyBackend.Mode.SLOW;
        backend.slowness = Duration.ofMillis(50);
        assertThat(refusedOf(healthy, 10)).as("answers under the slow-call threshold").isZero();
        assertThat(events).noneMatch(e -> e.kind() == CacheEvent.Kind.CIRCUIT_OPENED);
    }

    @Test
    void argumentErrorsNeverOpenTheBreaker() {
        ZodiacCache strict = breakerCache("strict", CircuitBreakerPolicy.defaults().minimumCalls(1).failureRate(1));
        for (int i = 0; i < 20; i++) {
            strict.blocking().set("text", "abc");
            assertThatThrownBy(() -> strict.blocking().increment("text", 1)).isInstanceOf(IllegalStateException.class);
        }
        assertThat(strict.blocking().get("text")).isEqualTo("abc");
        assertThat(events).noneMatch(e -> e.kind() == CacheEvent.Kind.CIRCUIT_OPENED);
    }

    @Test
    void theBreakerProbesAndClosesWhenTheBackendIsBack() {
        backend.mode = FaultyBackend.Mode.FAIL;
        for (int i = 0; i < 3; i++) {
            cache.get("k").exceptionally(e -> null).join();
        }
        assertThatThrownBy(() -> cache.get("k").join()).hasCauseInstanceOf(CacheUnavailableException.class);
        backend.mode = FaultyBackend.Mode.OK;
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .untilAsserted(() -> assertThat(cache.blocking().set("k", "v")).isTrue());
        assertThat(cache.blocking().get("k")).isEqualTo("v");
        assertThat(events).extracting(CacheEvent::kind)
                .containsSubsequence(CacheEvent.Kind.CIRCUIT_OPENED, CacheEvent.Kind.CIRCUIT_HALF_OPEN, CacheEvent.Kind.CIRCUIT_CLOSED);
    }

    @Test
    void aFailedProbeOpensTheBreakerAgain() {
        backend.mode = FaultyBackend.Mode.FAIL;
        for (int i = 0; i < 3; i++) {
            cache.get("k").exceptionally(e -> null).join();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            int before = backend.calls.get();
            cache.get("k").exceptionally(e -> null).join();
            return backend.calls.get() > before;
        });
        assertThatThrownBy(() -> cache.get("k").join()).hasCauseInstanceOf(CacheUnavailableException.class);
    }

    @Test
    void applicationErrorsDoNotOpenTheBreaker() {
        cache.blocking().set("text", "not a number");
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> cache.increment("text", 1).join()).hasCauseInstanceOf(IllegalStateException.class);
        }
        assertThat(cache.blocking().get("text")).isEqualTo("not a number");
    }
}
