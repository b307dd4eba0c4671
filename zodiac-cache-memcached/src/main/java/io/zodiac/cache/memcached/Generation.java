package io.zodiac.cache.memcached;

import com.spotify.folsom.AsciiMemcacheClient;
import com.spotify.folsom.MemcacheStatus;
import io.zodiac.cache.ZodiacCacheException;
import io.zodiac.cache.spi.KeyText;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * The generation of a namespace: a counter in memcached ({@link MemcachedKeys#generation()})
 * that is part of every value key. Memcached cannot list or delete keys by prefix, so
 * {@code clear()} increments the generation instead: the values of older generations are no
 * longer read and age out through their TTL or memcached's LRU.
 *
 * <p>Trade-off: every operation reads the generation, so a {@code clear()} by any process is seen
 * by every operation that starts after it returned. The read costs no extra round trip: it is
 * sent together with the operation, which runs under the generation seen last; when the
 * generation turns out to have moved, the operation runs again under the new one (its first run
 * touched only keys that nobody reads any more). The price is one small extra {@code get} per
 * operation, all of a namespace on the server that holds its generation key.
 *
 * <p>A missing generation key (first use, memcached restarted or flushed, the key evicted) is
 * started at a random number below 2<sup>62</sup>, so a restarted counter does not come back to
 * a generation whose values may still be stored.
 */
final class Generation {

    private static final long UNKNOWN = -1;
    private static final int ATTEMPTS = 5;

    private final AsciiMemcacheClient<byte[]> client;
    private final String key;
    /** The generation seen last, or {@link #UNKNOWN}: only a guess, always checked. */
    private volatile long last = UNKNOWN;

    Generation(AsciiMemcacheClient<byte[]> client, String key) {
        this.client = client;
        this.key = key;
    }

    /**
     * Runs {@code operation} under the current generation, and again under a newer one if the
     * generation moved since it was last seen; the result of the run under the current one.
     */
    <R> CompletableFuture<R> run(LongFunction<CompletableFuture<R>> operation) {
        long guess = last;
        CompletableFuture<Long> current = read(ATTEMPTS);
        if (guess == UNKNOWN) {
            return current.thenCompose(operation::apply);
        }
        CompletableFuture<R> speculative = operation.apply(guess);
        return current.thenCompose(generation -> generation == guess ? speculative : operation.apply(generation));
    }

    /** Moves to a new generation, which hides every value stored before; the new generation. */
    CompletableFuture<Long> advance() {
        return client.incr(key, 1).toCompletableFuture()
                .thenCompose(next -> next != null ? completed(next) : start(ATTEMPTS));
    }

    private CompletableFuture<Long> read(int attempts) {
        return client.get(key).toCompletableFuture()
                .thenCompose(stored -> stored != null ? completed(parse(stored)) : start(attempts));
    }

    private CompletableFuture<Long> start(int attempts) {
        if (attempts == 0) {
            return CompletableFuture.failedFuture(new ZodiacCacheException("memcached key '" + KeyText.of(key)
                    + "' keeps disappearing: cannot settle the namespace generation"));
        }
        long initial = ThreadLocalRandom.current().nextLong(1L << 62);
        byte[] digits = Long.toString(initial).getBytes(StandardCharsets.US_ASCII);
        return client.add(key, digits, Expiry.NEVER).toCompletableFuture().thenCompose(status -> {
            if (status == MemcacheStatus.OK) {
                return completed(initial);
            }
            if (status == MemcacheStatus.ITEM_NOT_STORED) {
                return read(attempts - 1);
            }
            throw MemcachedBackend.unexpected(status, "ADD", key);
        });
    }

    private CompletableFuture<Long> completed(long generation) {
        last = generation;
        return CompletableFuture.completedFuture(generation);
    }

    private long parse(byte[] stored) {
        String text = new String(stored, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ZodiacCacheException("memcached key '" + KeyText.of(key) + "' holds '" + text
                    + "', not a namespace generation; delete it to start a new generation");
        }
    }
}
