package io.zodiac.cache;

import io.zodiac.cache.internal.memory.MemoryBackendProvider;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendContext;
import io.zodiac.cache.spi.BackendProvider;
import io.zodiac.cache.spi.BackendOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Backend "faulty": a real in-memory backend behind a switch that makes every call fail or hang,
 * the way a dead or paused server does. It takes {@code endpoint} and {@code port} options (both
 * required, checked like a remote backend's) so that configuration validation can be tested, and
 * {@code times_out}: the operations (comma-separated) it claims to time out by itself, with
 * {@link FaultyBackend.OwnTimeout}, as a client with a command timeout does.
 */
public final class FaultyBackendProvider implements BackendProvider {

    static final AtomicInteger CREATED = new AtomicInteger();
    private static final BackendOption<String> ENDPOINT = BackendOption.string("endpoint");
    private static final BackendOption<Integer> PORT = BackendOption.port("port", 1);
    private static final BackendOption<String> TIMES_OUT = BackendOption.string("times_out");

    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public Set<String> options() {
        return BackendOption.names(ENDPOINT, PORT, TIMES_OUT);
    }

    @Override
    public void validate(CacheConfig config) {
        if (!ENDPOINT.isSet(config)) {
            throw new IllegalArgumentException("option 'endpoint' is required for backend 'faulty'");
        }
        PORT.from(config);
    }

    @Override
    public Backend create(BackendContext context) {
        CREATED.incrementAndGet();
        String timesOut = TIMES_OUT.from(context.config());
        Set<Operation> selfTimed = timesOut == null ? Set.of()
                : Arrays.stream(timesOut.split(",")).map(String::trim).map(Operation::valueOf)
                        .collect(Collectors.toUnmodifiableSet());
        return new FaultyBackend(new MemoryBackendProvider().create(context), selfTimed);
    }

    /** The backend: delegates to memory unless told to fail or hang. */
    static final class FaultyBackend implements Backend {

        /**
         * OWN_TIMEOUT: every call fails at once with {@link OwnTimeout}; FLAKY: every other call
         * fails; SLOW: every call is answered after {@link #slowness}.
         */
        enum Mode { OK, FAIL, HANG, OWN_TIMEOUT, FLAKY, SLOW }

        /** This backend's own timeout error. */
        static final class OwnTimeout extends RuntimeException {
            private static final long serialVersionUID = 1L;

            OwnTimeout() {
                super("command timed out");
            }
        }

        private final Backend delegate;
        private final Set<Operation> selfTimed;
        volatile Mode mode = Mode.OK;
        /** The future of the last call that hung: a test completes it to answer late, as a server would. */
        volatile CompletableFuture<?> lastHung;
        final AtomicInteger calls = new AtomicInteger();
        volatile Duration slowness = Duration.ofMillis(100);

        FaultyBackend(Backend delegate, Set<Operation> selfTimed) {
            this.delegate = delegate;
            this.selfTimed = selfTimed;
        }

        @Override
        public boolean timesOut(Operation operation) {
            return selfTimed.contains(operation);
        }

        @Override
        public boolean isTimeout(Throwable error) {
            return error instanceof OwnTimeout;
        }

        private <R> CompletableFuture<R> call(Function<Backend, CompletableFuture<R>> action) {
            int call = calls.incrementAndGet();
            return switch (mode) {
                case OK -> action.apply(delegate);
                case FAIL -> refused();
                case FLAKY -> call % 2 == 0 ? refused() : action.apply(delegate);
                case SLOW -> CompletableFuture.supplyAsync(() -> null,
                                CompletableFuture.delayedExecutor(slowness.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS))
                        .thenCompose(ignored -> action.apply(delegate));
                case HANG -> {
                    CompletableFuture<R> hung = new CompletableFuture<>();
                    lastHung = hung;
                    yield hung;
                }
                case OWN_TIMEOUT -> CompletableFuture.failedFuture(new OwnTimeout());
            };
        }

        private static <R> CompletableFuture<R> refused() {
            return CompletableFuture.failedFuture(new java.io.UncheckedIOException(new java.net.ConnectException("Connection refused")));
        }

        @Override
        public CompletableFuture<Object> get(String key) {
            return call(b -> b.get(key));
        }

        @Override
        public CompletableFuture<Map<String, Object>> multiGet(List<String> keys) {
            return call(b -> b.multiGet(keys));
        }

        @Override
        public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
            return call(b -> b.set(key, value, ttl));
        }

        @Override
        public CompletableFuture<Boolean> multiSet(Map<String, Object> values, Duration ttl) {
            return call(b -> b.multiSet(values, ttl));
        }

        @Override
        public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
            return call(b -> b.add(key, value, ttl));
        }

        @Override
        public CompletableFuture<Boolean> delete(String key) {
            return call(b -> b.delete(key));
        }

        @Override
        public CompletableFuture<Boolean> exists(String key) {
            return call(b -> b.exists(key));
        }

        @Override
        public CompletableFuture<Long> increment(String key, long delta) {
            return call(b -> b.increment(key, delta));
        }

        @Override
        public CompletableFuture<Boolean> expire(String key, Duration ttl) {
            return call(b -> b.expire(key, ttl));
        }

        @Override
        public CompletableFuture<Duration> ttl(String key) {
            return call(b -> b.ttl(key));
        }

        @Override
        public CompletableFuture<Boolean> clear() {
            return call(Backend::clear);
        }

        @Override
        public CompletableFuture<Boolean> tryLock(String key, String token, Duration lease) {
            return call(b -> b.tryLock(key, token, lease));
        }

        @Override
        public CompletableFuture<Boolean> unlock(String key, String token) {
            return call(b -> b.unlock(key, token));
        }

        @Override
        public CompletableFuture<Void> releaseSignal(String key) {
            return delegate.releaseSignal(key);
        }

        @Override
        public CompletableFuture<Void> close() {
            return delegate.close();
        }
    }
}
