package io.zodiac.cache.redis;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.zodiac.cache.spi.SharedResources;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The Lettuce {@link ClientResources} (event loops, timer) that every Redis cache of one
 * {@link io.zodiac.cache.CacheManager} shares; shut down with the manager.
 */
final class LettuceResources implements AutoCloseable {

    private static final String NAME = "lettuce.client-resources";
    /** Reconnect attempts back off exponentially up to this delay: a cache should come back soon. */
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    private final ClientResources resources;

    private LettuceResources() {
        this.resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /** The manager's client resources, created on first use. */
    static ClientResources of(SharedResources shared) {
        return shared.computeIfAbsent(NAME, LettuceResources.class, LettuceResources::new).resources;
    }

    /**
     * Stops the event loops and the timer, waiting for their threads to end, unless called from one
     * of those threads (the last connection closing completes there), which would wait for itself.
     */
    @Override
    public void close() throws Exception {
        Future<Boolean> terminated = resources.shutdown(0, 2, TimeUnit.SECONDS);
        if (!(Thread.currentThread() instanceof FastThreadLocalThread)) {
            terminated.get(5, TimeUnit.SECONDS);
        }
    }
}
