package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GetOrSetTest {

    private final CacheManager manager = new CacheManager();
    private final ZodiacCache cache = manager.setup("test");

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void sixtyFourConcurrentCallersOnOneColdKeyRunTheProducerOnce() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> gate = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(64);
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    started.countDown();
                    started.await();
                    return cache.<String>getOrSet("cold", () -> {
                        calls.incrementAndGet();
                        return gate;
                    }).get(10, TimeUnit.SECONDS);
                }));
            }
            started.await();
            gate.complete("value");
            for (Future<String> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("value");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls).hasValue(1);
        assertThat(cache.get("cold").join()).isEqualTo("value");
    }

    @Test
    void aFailingProducerFailsItsCallersAndStoresNothing() {
        CompletableFuture<String> gate = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> first = cache.getOrSet("k", () -> {
            calls.incrementAndGet();
            return gate;
        });
        CompletableFuture<String> second = cache.getOrSet("k", () -> {
            calls.incrementAndGet();
            return gate;
        });
        gate.completeExceptionally(new IllegalStateException("boom"));
        assertThatThrownBy(first::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(second::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("boom");
        assertThat(calls).hasValue(1);
        assertThat(cache.exists("k").join()).isFalse();
    }
}
