package io.zodiac.cache.spring;

import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.spi.KeyText;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.Cache;

/**
 * The error policy of one Spring cache ({@link OnError}): which failures it covers, and what it does
 * with them. It covers what the backend throws (unavailable, timed out, circuit open, a value it
 * cannot encode); never an {@link IllegalArgumentException} (a key or a null the cache refuses) or the
 * method's own exception ({@link Cache.ValueRetrievalException}), which reach the caller as they are.
 */
final class BackendErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ZodiacSpringCache.class);
    /** At most one log line per cache in this period; the lines in between are counted in the next. */
    private static final long LOG_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ZodiacCache cache;
    private final OnError onError;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong nextLog = new AtomicLong(System.nanoTime());

    BackendErrors(ZodiacCache cache, OnError onError) {
        this.cache = cache;
        this.onError = onError;
    }

    /** The backend errors met so far, in either mode. */
    long count() {
        return errors.get();
    }

    /** Whether the policy covers {@code error}; the others are always thrown. */
    static boolean covers(RuntimeException error) {
        return !(error instanceof IllegalArgumentException) && !(error instanceof Cache.ValueRetrievalException);
    }

    /**
     * Handles a failure of {@code operation} on {@code key}: thrown again unless the policy covers it
     * and is {@link OnError#FAIL_OPEN}; then logged, reported and {@code fallback} is returned.
     */
    <T> T handle(String operation, String key, RuntimeException error, T fallback) {
        if (!covers(error)) {
            throw error;
        }
        errors.incrementAndGet();
        if (onError == OnError.RETHROW) {
            throw error;
        }
        report(key, error);
        log(operation, key, error);
        return fallback;
    }

    private void report(String key, RuntimeException error) {
        report(cache, new CacheEvent(cache.name(), CacheEvent.Kind.FAIL_OPEN, key, error));
    }

    /** Gives {@code event} to the plugins of {@code cache}; a plugin that throws is logged. */
    static void report(ZodiacCache cache, CacheEvent event) {
        for (CachePlugin plugin : cache.config().plugins()) {
            try {
                plugin.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Plugin {} failed on {}", plugin, event.kind(), e);
            }
        }
    }

    private void log(String operation, String key, RuntimeException error) {
        long now = System.nanoTime();
        long next = nextLog.get();
        if (now - next < 0 || !nextLog.compareAndSet(next, now + LOG_PERIOD_NANOS)) {
            unlogged.incrementAndGet();
            return;
        }
        long skipped = unlogged.getAndSet(0);
        LOG.warn("Cache '{}': {} of key '{}' failed, treated as a {} (zodiac.cache.spring-cache.on-error=fail-open){}: {}",
                cache.name(), operation, KeyText.of(key), operation.equals("get") ? "miss" : "no-op",
                skipped == 0 ? "" : "; " + skipped + " more failures since the last report", error.toString());
    }
}
