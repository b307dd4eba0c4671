package io.zodiac.cache.redis;

import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * Where a near cache reads so that the server tracks what it read: {@link Tracking} on a
 * standalone node or a Sentinel-managed master, {@link ClusterTracking} on a Redis Cluster.
 */
interface TrackedReads {

    /**
     * The commands of a connection with tracking on that serves {@code redisKey}, or {@code null}:
     * then the read goes to the backend and installs no local copy.
     */
    RedisAsyncCommands<String, byte[]> commandsFor(String redisKey);

    /** {@code false} while no local copy may be used (no tracked connection is up). */
    boolean on();

    /** {@code true} when a failed tracked read should be retried on the backend (a cluster's redirects). */
    boolean retriesOnBackend();

    /** Closes the tracked connections. */
    CompletableFuture<Void> close();
}
