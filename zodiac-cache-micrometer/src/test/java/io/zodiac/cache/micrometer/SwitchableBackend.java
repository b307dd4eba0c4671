package io.zodiac.cache.micrometer;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A remote-like backend whose server can be switched off: the failure the memory backend cannot
 * produce. Up, it is a plain map with no expiry and no locking contention; down, every call
 * fails as a lost connection would.
 */
public final class SwitchableBackend implements Backend {

    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private volatile boolean down;

    public SwitchableBackend(BackendContext context) {
    }

    void down(boolean down) {
        this.down = down;
    }

    private <T> CompletableFuture<T> answer(T value) {
        return down ? CompletableFuture.failedFuture(new UncheckedIOException(new IOException("connection refused")))
                : CompletableFuture.completedFuture(value);
    }

    @Override
    public CompletableFuture<Object> get(String key) {
        return down ? answer(null) : answer(values.get(key));
    }

    @Override
    public CompletableFuture<Map<String, Object>> multiGet(List<String> keys) {
        return answer(Map.of());
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
        if (!down) {
            values.put(key, value);
        }
        return answer(true);
    }

    @Override
    public CompletableFuture<Boolean> multiSet(Map<String, Object> entries, Duration ttl) {
        return answer(true);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
        return answer(!down && values.putIfAbsent(key, value) == null);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return answer(!down && values.remove(key) != null);
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        return answer(values.containsKey(key));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        return answer(delta);
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        return answer(true);
    }

    @Override
    public CompletableFuture<Duration> ttl(String key) {
        return answer(NO_EXPIRY);
    }

    @Override
    public CompletableFuture<Boolean> clear() {
        values.clear();
        return answer(true);
    }

    @Override
    public CompletableFuture<Boolean> tryLock(String key, String token, Duration lease) {
        return answer(true);
    }

    @Override
    public CompletableFuture<Boolean> unlock(String key, String token) {
        return answer(true);
    }

    @Override
    public CompletableFuture<Void> releaseSignal(String key) {
        return new CompletableFuture<>();
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.completedFuture(null);
    }
}
