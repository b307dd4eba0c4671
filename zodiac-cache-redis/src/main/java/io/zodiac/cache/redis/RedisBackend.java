package io.zodiac.cache.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.zodiac.cache.CacheUnavailableException;
import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.ConnectionGate;
import io.zodiac.cache.spi.KeyText;
import io.zodiac.cache.spi.StoredValue;
import io.zodiac.cache.plugin.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Redis backend of one cache, on the connections that the caches of its manager share with it
 * per endpoint ({@link RedisEndpoint}). Key {@code k} is stored as {@code {namespace}:k}
 * ({@code zodiac_cache:{prefix}:k}); values are the serializer's bytes. Every operation is one
 * pipelined command (or one per key), never blocking:
 *
 * <ul>
 *   <li>{@code set}/{@code add}: {@code SET [NX] [PX]}; {@code multiSet}: {@code MSET} without a
 *       TTL, else one {@code SET PX} per key, so each key gets its value and TTL atomically;
 *       {@code multiGet}: {@code MGET} (split by slot in a cluster)</li>
 *   <li>{@code getWithTtl}: {@code GET} and {@code PTTL}, pipelined</li>
 *   <li>{@code increment}: {@code INCRBY} (keeps the TTL); {@code expire}: {@code PEXPIRE}, or a
 *       script that persists the key when the TTL is none; {@code ttl}: {@code PTTL}</li>
 *   <li>{@code keys} and {@code clear}: {@code SCAN MATCH} over every master, {@code clear} then
 *       {@code UNLINK}s each batch; never {@code KEYS} or {@code FLUSHDB}</li>
 *   <li>lock: {@code SET zodiac_lock:{prefix}:k token NX PX lease}; unlock: a script that deletes
 *       the lock only if it holds the caller's token and then publishes the key on the release
 *       channel (see {@link ReleaseSignals})</li>
 * </ul>
 *
 * <p>Locks live outside the cache's key space ({@link Namespace#lock}): a user key such as
 * {@code x-lock} is an ordinary key and never the lock of {@code x}, and {@code keys} and
 * {@code clear} never see or remove the lock of a producer running right now.
 */
final class RedisBackend implements Backend {

    /** KEYS[1] = lock, ARGV[1] = token, ARGV[2] = release channel, ARGV[3] = cache key. */
    private static final LuaScript UNLOCK = new LuaScript("""
            if redis.call('get', KEYS[1]) == ARGV[1] then
              redis.call('del', KEYS[1])
              redis.call('publish', ARGV[2], ARGV[3])
              return 1
            end
            return 0
            """);

    /** KEYS[1] = key. PERSIST alone cannot tell an absent key from one without a TTL. */
    private static final LuaScript PERSIST = new LuaScript("""
            if redis.call('exists', KEYS[1]) == 0 then
              return 0
            end
            redis.call('persist', KEYS[1])
            return 1
            """);

    /** The operations that are one command, or commands sent at once, each bounded by Lettuce's timeout. */
    private static final Set<Operation> ONE_ROUND_TRIP = EnumSet.of(Operation.GET, Operation.MULTI_GET, Operation.SET,
            Operation.MULTI_SET, Operation.ADD, Operation.DELETE, Operation.EXISTS, Operation.INCREMENT, Operation.TTL,
            Operation.LOCK);

    /** The COUNT hint of each SCAN call. */
    private static final int SCAN_COUNT = 500;

    private final String cacheName;
    private final Namespace namespace;
    private final RedisEndpoint.Attachment attachment;
    private final ConnectionGate gate;
    private final Duration timeout;
    private final Supplier<CacheUnavailableException> notConnected;
    private final ReleaseSignals signals;
    private final byte[] channel;
    /** The commands of the data connection, once it is made (the gate is open from then on). */
    private volatile RedisClusterAsyncCommands<String, byte[]> redis;

    /**
     * @param operationTimeout how long a call waits for the data connection while it is not made yet
     */
    RedisBackend(String cacheName, Namespace namespace, RedisEndpoint.Attachment attachment, Duration operationTimeout) {
        this.cacheName = cacheName;
        this.namespace = namespace;
        this.attachment = attachment;
        this.gate = attachment.gate();
        this.timeout = operationTimeout;
        this.notConnected = () -> ConnectFailures.notConnected(cacheName, attachment.describe(), operationTimeout,
                attachment.lastError());
        this.signals = attachment.signals();
        this.channel = utf8(namespace.releaseChannel());
        this.redis = attachment.commands();
    }

    /**
     * Runs {@code operation} (this backend's method, called again) once the data connection is made,
     * waiting at most the operation timeout for it; then fails with a
     * {@link CacheUnavailableException} naming the cache, the server and the last connect error.
     */
    private <R> CompletableFuture<R> whenConnected(Supplier<CompletableFuture<R>> operation) {
        return gate.call(timeout, notConnected, () -> {
            redis = attachment.commands();
            return operation.get();
        });
    }

    // ---------------------------------------------------------------- reads

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<Object> get(String key) {
        if (redis == null) {
            return whenConnected(() -> get(key));
        }
        // the command's own future, seen as a future of Object: no stage of its own on the hit path
        return (CompletableFuture<Object>) (CompletableFuture<?>) redis.get(namespace.key(key)).toCompletableFuture();
    }

    /**
     * {@code GET} and {@code PTTL} sent back to back on the same connection (pipelined: one round
     * trip; on a cluster both go to the key's node). A key that expires between the two reads as
     * due ({@link Duration#ZERO} remaining).
     */
    @Override
    public CompletableFuture<StoredValue> getWithTtl(String key) {
        if (redis == null) {
            return whenConnected(() -> getWithTtl(key));
        }
        String redisKey = namespace.key(key);
        CompletableFuture<byte[]> value = redis.get(redisKey).toCompletableFuture();
        CompletableFuture<Long> ttl = redis.pttl(redisKey).toCompletableFuture();
        return value.thenCombine(ttl, (bytes, millis) -> {
            if (bytes == null) {
                return null;
            }
            Duration remaining = millis == -1 ? null : Duration.ofMillis(Math.max(0, millis));
            return new StoredValue(bytes, remaining);
        });
    }

    @Override
    public CompletableFuture<Map<String, Object>> multiGet(List<String> keys) {
        if (redis == null) {
            return whenConnected(() -> multiGet(keys));
        }
        if (keys.isEmpty()) {
            return CompletableFuture.completedFuture(new LinkedHashMap<>());
        }
        String[] redisKeys = keys.stream().map(namespace::key).toArray(String[]::new);
        return redis.mget(redisKeys).toCompletableFuture().thenApply(found -> {
            Map<String, Object> values = new LinkedHashMap<>();
            for (KeyValue<String, byte[]> entry : found) {
                if (entry.hasValue()) {
                    values.put(namespace.strip(entry.getKey()), entry.getValue());
                }
            }
            return values;
        });
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
        if (redis == null) {
            return whenConnected(() -> exists(key));
        }
        return redis.exists(namespace.key(key)).toCompletableFuture().thenApply(count -> count > 0);
    }

    @Override
    public CompletableFuture<Duration> ttl(String key) {
        if (redis == null) {
            return whenConnected(() -> ttl(key));
        }
        return redis.pttl(namespace.key(key)).toCompletableFuture().thenApply(millis -> {
            if (millis == -2) {
                return null;
            }
            return millis == -1 ? NO_EXPIRY : Duration.ofMillis(millis);
        });
    }

    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        if (redis == null) {
            return whenConnected(() -> keys(prefix, limit));
        }
        List<String> keys = new ArrayList<>();
        return scan(namespace.pattern(prefix), batch -> {
            for (String redisKey : batch) {
                if (keys.size() < limit) {
                    keys.add(namespace.strip(redisKey));
                }
            }
            return CompletableFuture.completedFuture(keys.size() < limit);
        }).thenApply(done -> keys);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
        if (redis == null) {
            return whenConnected(() -> set(key, value, ttl));
        }
        return bytes(value).thenCompose(bytes -> redis.set(namespace.key(key), bytes, setArgs(ttl)).toCompletableFuture())
                .thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
        if (redis == null) {
            return whenConnected(() -> add(key, value, ttl));
        }
        return bytes(value).thenCompose(bytes -> redis.set(namespace.key(key), bytes, setArgs(ttl).nx()).toCompletableFuture())
                .thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Boolean> multiSet(Map<String, Object> values, Duration ttl) {
        if (redis == null) {
            return whenConnected(() -> multiSet(values, ttl));
        }
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            if (!(entry.getValue() instanceof byte[] bytes)) {
                return notBytes(entry.getValue());
            }
            encoded.put(namespace.key(entry.getKey()), bytes);
        }
        if (encoded.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        if (ttl == null) {
            return redis.mset(encoded).toCompletableFuture().thenApply("OK"::equals);
        }
        SetArgs args = setArgs(ttl);
        List<CompletableFuture<String>> replies = new ArrayList<>(encoded.size());
        encoded.forEach((redisKey, bytes) -> replies.add(redis.set(redisKey, bytes, args).toCompletableFuture()));
        return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                .thenApply(done -> replies.stream().allMatch(reply -> "OK".equals(reply.join())));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        if (redis == null) {
            return whenConnected(() -> delete(key));
        }
        return redis.unlink(namespace.key(key)).toCompletableFuture().thenApply(count -> count > 0);
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        if (redis == null) {
            return whenConnected(() -> increment(key, delta));
        }
        return redis.incrby(namespace.key(key), delta).toCompletableFuture().exceptionallyCompose(error -> {
            Throwable cause = unwrap(error);
            if (cause instanceof RedisCommandExecutionException && cause.getMessage() != null
                    && cause.getMessage().startsWith("ERR")) {
                // "value is not an integer or out of range", "increment or decrement would overflow":
                // a property of the stored value, not a failing server.
                return CompletableFuture.failedFuture(new IllegalStateException("value of key '" + KeyText.of(key)
                        + "' cannot be incremented by " + delta + ": " + cause.getMessage(), cause));
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        if (redis == null) {
            return whenConnected(() -> expire(key, ttl));
        }
        String redisKey = namespace.key(key);
        if (ttl == null) {
            return PERSIST.run(redis, new String[] {redisKey}).thenApply(result -> result == 1L);
        }
        return redis.pexpire(redisKey, millis(ttl)).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Boolean> clear() {
        if (redis == null) {
            return whenConnected(() -> clear());
        }
        return scan(namespace.pattern(""), batch -> batch.isEmpty()
                ? CompletableFuture.completedFuture(true)
                : redis.unlink(batch.toArray(String[]::new)).toCompletableFuture().thenApply(removed -> true))
                .thenApply(done -> true);
    }

    // ---------------------------------------------------------------- lock

    @Override
    public CompletableFuture<Boolean> tryLock(String key, String token, Duration lease) {
        if (redis == null) {
            return whenConnected(() -> tryLock(key, token, lease));
        }
        return redis.set(namespace.lock(key), utf8(token), SetArgs.Builder.nx().px(millis(lease))).toCompletableFuture()
                .thenApply("OK"::equals);
    }

    @Override
    public CompletableFuture<Boolean> unlock(String key, String token) {
        if (redis == null) {
            return whenConnected(() -> unlock(key, token));
        }
        return UNLOCK.run(redis, new String[] {namespace.lock(key)}, utf8(token), channel, utf8(key))
                .thenApply(released -> released == 1L);
    }

    @Override
    public CompletableFuture<Void> releaseSignal(String key) {
        return signals.next(key);
    }

    /**
     * On a standalone or Sentinel endpoint Lettuce's command timeout is the cache's operation
     * timeout (see {@link RedisEndpoint}): operations that are one command, or commands sent
     * together, time out by themselves. A scan ({@code keys}, {@code clear}) and the scripts
     * ({@code expire} to no TTL, {@code unlock}, which may be sent twice when the server lacks the
     * script) are bounded by the cache, and so is every operation on a cluster.
     */
    @Override
    public boolean timesOut(Operation operation) {
        return attachment.commandsTimeOut() && ONE_ROUND_TRIP.contains(operation);
    }

    @Override
    public boolean isTimeout(Throwable error) {
        return error instanceof RedisCommandTimeoutException;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public CompletableFuture<Void> close() {
        signals.releaseAll();
        return attachment.close();
    }

    @Override
    public String toString() {
        return "RedisBackend[" + cacheName + " @ " + namespace + "]";
    }

    /** For tests: {@code true} once the data connection is made. */
    boolean connected() {
        return gate.isOpen();
    }

    /** For tests: the release signals of this backend. */
    ReleaseSignals signals() {
        return signals;
    }

    /** For tests: the endpoint whose connections this backend uses. */
    RedisEndpoint endpoint() {
        return attachment.endpoint();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Scans the keys matching {@code pattern} on every master, handing each batch to
     * {@code onBatch}, which answers whether to go on.
     */
    private CompletableFuture<Void> scan(String pattern, Function<List<String>, CompletableFuture<Boolean>> onBatch) {
        return scanFrom(ScanCursor.INITIAL, ScanArgs.Builder.matches(pattern).limit(SCAN_COUNT), onBatch);
    }

    private CompletableFuture<Void> scanFrom(ScanCursor cursor, ScanArgs args,
            Function<List<String>, CompletableFuture<Boolean>> onBatch) {
        // The next page is asked for off Lettuce's I/O thread: on a cluster, moving the cursor to the
        // next node waits for that node's connection, which only the I/O thread can complete.
        return redis.scan(cursor, args).toCompletableFuture().thenComposeAsync((KeyScanCursor<String> page) ->
                onBatch.apply(page.getKeys()).thenComposeAsync(more -> more && !page.isFinished()
                        ? scanFrom(page, args, onBatch)
                        : CompletableFuture.completedFuture(null), ForkJoinPool.commonPool()), ForkJoinPool.commonPool());
    }

    private static SetArgs setArgs(Duration ttl) {
        return ttl == null ? new SetArgs() : SetArgs.Builder.px(millis(ttl));
    }

    /** Whole milliseconds, at least one: Redis refuses {@code PX 0}. */
    private static long millis(Duration duration) {
        return Math.max(1, duration.toMillis());
    }

    private static CompletableFuture<byte[]> bytes(Object value) {
        return value instanceof byte[] bytes ? CompletableFuture.completedFuture(bytes) : notBytes(value);
    }

    private static <T> CompletableFuture<T> notBytes(Object value) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("the redis backend stores byte[] values; "
                + "the serializer produced " + (value == null ? "null" : "a " + value.getClass().getName())));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
