package io.zodiac.cache.memcached;

import com.spotify.folsom.MemcacheClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells when a lock is released by watching its key, since memcached has no pub/sub: polls with a
 * delay of 5 ms that doubles up to 100 ms, so a waiter in any process finds the value soon after
 * the release while a long wait costs at most ten small {@code get}s a second.
 *
 * <p>Polling ends when the lock key is gone, when a poll fails (the waiter then looks again and
 * meets the failure itself), when the caller completes or cancels the future (as {@code getOrSet}
 * does when it stops waiting after the lease), or when the poller is closed. It is therefore
 * bounded by the lock's expiry even for a caller that forgets the future.
 */
final class ReleasePoller {

    static final long FIRST_DELAY_MILLIS = 5;
    static final long MAX_DELAY_MILLIS = 100;

    private final MemcacheClient<byte[]> client;
    private volatile boolean closed;

    ReleasePoller(MemcacheClient<byte[]> client) {
        this.client = client;
    }

    /** A future completed once {@code lockKey} is absent. */
    CompletableFuture<Void> released(String lockKey) {
        CompletableFuture<Void> released = new CompletableFuture<>();
        schedule(lockKey, released, FIRST_DELAY_MILLIS);
        return released;
    }

    private void schedule(String lockKey, CompletableFuture<Void> released, long delayMillis) {
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS)
                .execute(() -> poll(lockKey, released, delayMillis));
    }

    private void poll(String lockKey, CompletableFuture<Void> released, long delayMillis) {
        if (released.isDone() || closed) {
            return;
        }
        client.get(lockKey).whenComplete((holder, error) -> {
            if (error != null || holder == null) {
                released.complete(null);
            } else {
                schedule(lockKey, released, Math.min(delayMillis * 2, MAX_DELAY_MILLIS));
            }
        });
    }

    /** Stops every poll; futures not yet completed stay so (their callers bound their wait). */
    void close() {
        closed = true;
    }
}
