package io.zodiac.cache.memcached;

import com.spotify.folsom.AsciiMemcacheClient;
import com.spotify.folsom.MemcacheAuthenticationException;
import com.spotify.folsom.MemcacheStatus;
import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.KeyText;
import io.zodiac.cache.spi.StoredValue;
import io.zodiac.cache.ZodiacCacheException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The {@link Backend} of one cache on memcached. Keys are laid out by {@link MemcachedKeys},
 * {@code clear()} moves the namespace {@link Generation}, values are the serializer's bytes.
 *
 * <p>Locks are {@code add}s of the lock key holding the caller's token, expiring with the lease
 * ({@link Expiry#leaseSeconds}). Release reads the lock with its CAS value and deletes it only if
 * it still holds the caller's token, by a CAS-checked write that expires at once (the text
 * protocol's {@code delete} takes no CAS): a lock that expired and was taken by another caller in
 * between is left alone. Waiters learn of the release through {@link ReleasePoller}.
 */
final class MemcachedBackend implements Backend {

    private static final int INCREMENT_ATTEMPTS = 5;

    private final AsciiMemcacheClient<byte[]> client;
    private final MemcachedKeys keys;
    private final Generation generation;
    private final ReleasePoller poller;

    MemcachedBackend(AsciiMemcacheClient<byte[]> client, MemcachedKeys keys) {
        this.client = client;
        this.keys = keys;
        this.generation = new Generation(client, keys.generation());
        this.poller = new ReleasePoller(client);
    }

    @Override
    public CompletableFuture<Object> get(String key) {
        return generation.run(g -> client.get(keys.value(key, g)).toCompletableFuture().thenApply(value -> value));
    }

    /**
     * A {@code gets}, whose item flags hold the entry's expiry as a unix time (written by every
     * {@code set}, {@code add} and {@code multiSet}; 0: never). {@code expire} ({@code touch})
     * cannot change flags: after it, the remaining TTL is still counted from the expiry the value
     * was written with. Counters and values written without flags read as never expiring.
     */
    @Override
    public CompletableFuture<StoredValue> getWithTtl(String key) {
        return generation.run(g -> client.casGet(keys.value(key, g)).toCompletableFuture().thenApply(result -> {
            if (result == null || result.getValue() == null) {
                return null;
            }
            return new StoredValue(result.getValue(), Expiry.remaining(result.getFlags()));
        }));
    }

    @Override
    public CompletableFuture<Map<String, Object>> multiGet(List<String> wanted) {
        if (wanted.isEmpty()) {
            return CompletableFuture.completedFuture(new LinkedHashMap<>());
        }
        return generation.run(g -> {
            List<String> valueKeys = new ArrayList<>(wanted.size());
            wanted.forEach(key -> valueKeys.add(keys.value(key, g)));
            return client.get(valueKeys).toCompletableFuture().thenApply(values -> {
                Map<String, Object> found = new LinkedHashMap<>();
                for (int i = 0; i < wanted.size(); i++) {
                    if (values.get(i) != null) {
                        found.put(wanted.get(i), values.get(i));
                    }
                }
                return found;
            });
        });
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Duration ttl) {
        return multiSet(Map.of(key, value), ttl);
    }

    @Override
    public CompletableFuture<Boolean> multiSet(Map<String, Object> values, Duration ttl) {
        int seconds = Expiry.seconds(ttl);
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            try {
                encoded.put(entry.getKey(), bytes(entry.getValue()));
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return generation.run(g -> {
            List<CompletableFuture<Boolean>> sets = new ArrayList<>(encoded.size());
            int flags = Expiry.deadline(ttl);
            encoded.forEach((key, bytes) -> sets.add(client.set(keys.value(key, g), bytes, seconds, flags).toCompletableFuture()
                    .thenApply(status -> expect(status, null, "SET", key))));
            return CompletableFuture.allOf(sets.toArray(CompletableFuture[]::new)).thenApply(done -> true);
        });
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Duration ttl) {
        byte[] bytes;
        try {
            bytes = bytes(value);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        int seconds = Expiry.seconds(ttl);
        int flags = Expiry.deadline(ttl);
        return generation.run(g -> client.add(keys.value(key, g), bytes, seconds, flags).toCompletableFuture()
                .thenApply(status -> expect(status, MemcacheStatus.ITEM_NOT_STORED, "ADD", key)));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return generation.run(g -> client.delete(keys.value(key, g)).toCompletableFuture()
                .thenApply(status -> expect(status, MemcacheStatus.KEY_NOT_FOUND, "DELETE", key)));
    }

    /** A {@code get}: memcached has no cheaper existence check that leaves the TTL alone. */
    @Override
    public CompletableFuture<Boolean> exists(String key) {
        return get(key).thenApply(Objects::nonNull);
    }

    /**
     * {@code incr} (or {@code decr} for a negative delta), which keeps the TTL and stores ASCII
     * digits, so the json and string serializers read counters. A missing key is started by an
     * {@code add} of the delta (never expiring) and, if another caller started it first,
     * incremented again. Memcached counters are unsigned 64-bit: a decrement stops at 0, and
     * {@code decr} pads a shortened number with spaces in place ({@code "10"} minus 1 reads as
     * {@code "9 "}). A value that is not an unsigned integer fails with
     * {@link IllegalStateException}.
     */
    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        if (delta == Long.MIN_VALUE) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("delta must be above Long.MIN_VALUE"));
        }
        return generation.run(g -> increment(key, keys.value(key, g), delta, INCREMENT_ATTEMPTS));
    }

    private CompletableFuture<Long> increment(String key, String valueKey, long delta, int attempts) {
        CompletableFuture<Long> counted = (delta >= 0 ? client.incr(valueKey, delta) : client.decr(valueKey, -delta))
                .toCompletableFuture();
        return counted.exceptionally(error -> {
            throw unwrap(error) instanceof MemcacheAuthenticationException
                    // folsom's reading of CLIENT_ERROR, which incr answers for a non-numeric value
                    ? new IllegalStateException("value of key '" + KeyText.of(key) + "' is not an unsigned integer, cannot increment it")
                    : new CompletionException(unwrap(error));
        }).thenCompose(result -> {
            if (result != null && result < 0) {
                // memcached counts in unsigned 64 bits: the sum passed Long.MAX_VALUE (and reads back
                // negative). Take the delta back and fail, as Redis and the other backends do.
                return client.decr(valueKey, delta).toCompletableFuture().thenApply(undone -> {
                    throw overflow(key, delta);
                });
            }
            if (result != null) {
                return CompletableFuture.completedFuture(result);
            }
            if (attempts == 0) {
                throw new ZodiacCacheException("key '" + KeyText.of(key) + "' keeps disappearing while it is incremented");
            }
            long start = Math.max(delta, 0);
            return client.add(valueKey, ascii(start), Expiry.NEVER).toCompletableFuture().thenCompose(status ->
                    expect(status, MemcacheStatus.ITEM_NOT_STORED, "ADD", key)
                            ? CompletableFuture.completedFuture(start)
                            : increment(key, valueKey, delta, attempts - 1));
        });
    }

    /** The error of an increment whose result would not fit in a {@code long}; the value is left as it was. */
    static IllegalStateException overflow(String key, long delta) {
        return new IllegalStateException("value of key '" + KeyText.of(key) + "' cannot be incremented by " + delta
                + ": the result would overflow a long");
    }

    /** Until 2038-01-19: memcached's expiry times are 32-bit unix times ({@link Expiry#longest()}). */
    @Override
    public Duration maxTtl() {
        return Expiry.longest();
    }

    /** {@code touch}; a {@code null} TTL makes the key never expire. */
    @Override
    public CompletableFuture<Boolean> expire(String key, Duration ttl) {
        int seconds = Expiry.seconds(ttl);
        return generation.run(g -> client.touch(keys.value(key, g), seconds).toCompletableFuture()
                .thenApply(status -> expect(status, MemcacheStatus.KEY_NOT_FOUND, "TOUCH", key)));
    }

    /**
     * Unsupported: the classic protocol cannot read a TTL, and folsom does not speak the meta
     * protocol ({@code mg <key> t}) that can.
     */
    @Override
    public CompletableFuture<Duration> ttl(String key) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("memcached cannot report a key's TTL: "
                + "the text protocol has no command for it and the folsom client does not speak the meta protocol"));
    }

    /** Unsupported: memcached cannot list keys. */
    @Override
    public CompletableFuture<List<String>> keys(String prefix, int limit) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("memcached cannot list keys"));
    }

    /** Moves the namespace to a new {@link Generation}: other namespaces are untouched. */
    @Override
    public CompletableFuture<Boolean> clear() {
        return generation.advance().thenApply(next -> true);
    }

    @Override
    public CompletableFuture<Boolean> tryLock(String key, String token, Duration lease) {
        return client.add(keys.lock(key), token.getBytes(StandardCharsets.UTF_8), Expiry.leaseSeconds(lease))
                .toCompletableFuture()
                .thenApply(status -> expect(status, MemcacheStatus.ITEM_NOT_STORED, "LOCK", key));
    }

    @Override
    public CompletableFuture<Boolean> unlock(String key, String token) {
        String lockKey = keys.lock(key);
        byte[] mine = token.getBytes(StandardCharsets.UTF_8);
        return client.casGet(lockKey).toCompletableFuture().thenCompose(holder -> {
            if (holder == null || !Arrays.equals(holder.getValue(), mine)) {
                return CompletableFuture.completedFuture(false);
            }
            return client.delete(lockKey, holder.getCas()).toCompletableFuture()
                    .thenApply(status -> status == MemcacheStatus.OK);
        });
    }

    @Override
    public CompletableFuture<Void> releaseSignal(String key) {
        return poller.released(keys.lock(key));
    }

    /** Stops the release polls; the client is shared and closes with the manager. */
    @Override
    public CompletableFuture<Void> close() {
        poller.close();
        return CompletableFuture.completedFuture(null);
    }

    /**
     * {@code true} for {@link MemcacheStatus#OK}, {@code false} for {@code no}, a failure for any
     * other status.
     */
    private static boolean expect(MemcacheStatus status, MemcacheStatus no, String operation, String key) {
        if (status == MemcacheStatus.OK) {
            return true;
        }
        if (status == no) {
            return false;
        }
        throw unexpected(status, operation, key);
    }

    /** The failure for a status that the operation does not expect. */
    static RuntimeException unexpected(MemcacheStatus status, String operation, String key) {
        if (status == MemcacheStatus.VALUE_TOO_LARGE) {
            return new IllegalArgumentException(operation + " of key '" + KeyText.of(key) + "': the value is larger than "
                    + "memcached's item size limit");
        }
        return new ZodiacCacheException("memcached answered " + status + " to " + operation + " of key '" + KeyText.of(key) + "'");
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        throw new IllegalArgumentException("memcached stores bytes, got a "
                + (value == null ? "null" : value.getClass().getName()) + ": use the json, string, bytes or java serializer");
    }

    private static byte[] ascii(long number) {
        return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public String toString() {
        return "MemcachedBackend[" + keys.generation() + "]";
    }
}
