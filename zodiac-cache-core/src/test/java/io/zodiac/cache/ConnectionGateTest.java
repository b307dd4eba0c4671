package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.ConnectionGate;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The gate a backend's calls wait on until its connection is first made. */
class ConnectionGateTest {

    private static final Duration BOUND = Duration.ofMillis(300);

    private final ConnectionGate gate = new ConnectionGate();
    private final AtomicInteger runs = new AtomicInteger();

    private CompletableFuture<String> call() {
        return gate.call(BOUND, () -> new CacheUnavailableException("not connected yet", null), () -> {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("done");
        });
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aCallMadeBeforeTheConnectionRunsWhenItIsMade() throws Exception {
        CompletableFuture<String> waiting = call();
        assertThat(waiting).isNotDone();
        assertThat(runs).hasValue(0);

        gate.open();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(runs).hasValue(1);
    }

    @Test
    void aCallFailsWithTheNotConnectedErrorOnceTheBoundHasPassed() throws Exception {
        long start = System.nanoTime();
        Throwable error = failure(call());

        assertThat(error).isInstanceOf(CacheUnavailableException.class).hasMessage("not connected yet");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(BOUND.minusMillis(20));
        gate.open();
        assertThat(runs).as("a call that gave up never runs").hasValue(0);
    }

    @Test
    void theWholeCallIsBoundedWhenTheOperationOutlastsTheRest() throws Exception {
        CompletableFuture<String> hanging = gate.call(BOUND, () -> new CacheUnavailableException("no", null),
                CompletableFuture::new);
        gate.open();

        assertThat(failure(hanging)).isInstanceOf(TimeoutException.class);
    }

    @Test
    void anOpenGateRunsTheOperationInTheCallersThread() {
        gate.open();
        CompletableFuture<String> done = call();

        assertThat(done).isCompletedWithValue("done");
    }

    @Test
    void aShutGateFailsWaitingAndLaterCalls() throws Exception {
        CompletableFuture<String> waiting = call();
        gate.shut(() -> new IllegalStateException("closed"));

        assertThat(failure(waiting)).isInstanceOf(IllegalStateException.class).hasMessage("closed");
        assertThat(failure(call())).isInstanceOf(IllegalStateException.class).hasMessage("closed");
        assertThat(runs).hasValue(0);
    }

    @Test
    void theGuardForwardsEveryMethodOfTheBackendSpi() {
        // a default method of Backend that the guard does not override would answer with the
        // default (a memcached cache would forget its TTL bound, refresh-ahead its entry ages)
        Backend guarded = gate.guard(new io.zodiac.cache.internal.memory.MemoryBackendProvider().create(
                new io.zodiac.cache.spi.BackendContext("gate", "zodiac_cache:gate", CacheConfig.defaults(),
                        io.zodiac.cache.serializer.ReferenceSerializer.INSTANCE, new io.zodiac.cache.spi.SharedResources(),
                        key -> { })), BOUND, () -> new CacheUnavailableException("not connected yet", null));
        for (java.lang.reflect.Method method : Backend.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            assertThat(Arrays.stream(guarded.getClass().getDeclaredMethods())
                    .anyMatch(m -> m.getName().equals(method.getName())
                            && Arrays.equals(m.getParameterTypes(), method.getParameterTypes())))
                    .as("the guard overrides %s", method).isTrue();
        }
    }
}
