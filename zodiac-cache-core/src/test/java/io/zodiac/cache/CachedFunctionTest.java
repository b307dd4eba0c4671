package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cached functions: lambdas under an explicit name. */
class CachedFunctionTest {

    private final CacheManager manager = new CacheManager();
    private final ZodiacCache cache = manager.setup("test");
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void close() {
        manager.close();
    }

    private String square(Integer n) {
        calls.incrementAndGet();
        return n == null ? null : String.valueOf(n * n);
    }

    @Test
    void resultsAreCachedPerArgumentUnderTheName() {
        Function<Integer, String> squares = CachedProxy.function(manager::cache, "math.square",
                GetOrSetOptions.<String>defaults().ttl(Duration.ofMinutes(1)), this::square);
        assertThat(squares.apply(3)).isEqualTo("9");
        assertThat(squares.apply(3)).isEqualTo("9");
        assertThat(squares.apply(4)).isEqualTo("16");
        assertThat(calls).hasValue(2);
        assertThat(cache.keys("math.square:", 10).join()).hasSize(2).allMatch(key -> key.matches("math\\.square:[0-9a-f]{32}"));
    }

    @Test
    void theNameIsTheIdentity() {
        Function<Integer, String> one = CachedProxy.function(manager::cache, "a", GetOrSetOptions.defaults(), this::square);
        Function<Integer, String> sameName = CachedProxy.function(manager::cache, "a", GetOrSetOptions.defaults(), this::square);
        Function<Integer, String> otherName = CachedProxy.function(manager::cache, "b", GetOrSetOptions.defaults(), this::square);
        one.apply(2);
        sameName.apply(2);
        assertThat(calls).hasValue(1);
        otherName.apply(2);
        assertThat(calls).hasValue(2);
    }

    @Test
    void nullIsStoredUnlessTheOptionsSkipIt() {
        Function<Integer, String> storing = CachedProxy.function(manager::cache, "storing", GetOrSetOptions.defaults(), this::square);
        storing.apply(null);
        storing.apply(null);
        assertThat(calls).hasValue(1);
        Function<Integer, String> skipping = CachedProxy.function(manager::cache, "skipping",
                GetOrSetOptions.<String>defaults().skipCacheIf(Objects::isNull), this::square);
        skipping.apply(null);
        skipping.apply(null);
        assertThat(calls).hasValue(3);
    }

    @Test
    void exceptionsReachTheCallerAndNothingIsStored() {
        IllegalStateException failure = new IllegalStateException("down");
        Function<Integer, String> failing = CachedProxy.function(manager::cache, "failing", GetOrSetOptions.defaults(), n -> {
            calls.incrementAndGet();
            throw failure;
        });
        assertThatThrownBy(() -> failing.apply(1)).isSameAs(failure);
        assertThatThrownBy(() -> failing.apply(1)).isSameAs(failure);
        assertThat(calls).hasValue(2);
        assertThat(cache.keys("failing:", 10).join()).isEmpty();
    }

    @Test
    void anAsyncFunctionCachesTheFuturesValue() throws Exception {
        Function<List<String>, CompletableFuture<Integer>> sizes = CachedProxy.asyncFunction(manager::cache, "sizes",
                GetOrSetOptions.defaults(), list -> {
                    calls.incrementAndGet();
                    return CompletableFuture.completedFuture(list.size());
                });
        assertThat(sizes.apply(List.of("a", "b")).get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(sizes.apply(List.of("a", "b")).get(5, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(calls).hasValue(1);

        IllegalStateException failure = new IllegalStateException("async down");
        Function<Integer, CompletableFuture<Integer>> failing = CachedProxy.asyncFunction(manager::cache, "failingAsync",
                GetOrSetOptions.defaults(), n -> CompletableFuture.failedFuture(failure));
        assertThatThrownBy(() -> failing.apply(1).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
    }

    @Test
    void theCacheIsLookedUpAtEachCall() {
        try (CacheManager fresh = new CacheManager()) {
            Function<Integer, String> squares = CachedProxy.function(() -> fresh.getCache("math"), "square",
                    GetOrSetOptions.defaults(), this::square);
            assertThatThrownBy(() -> squares.apply(2))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Cache 'math' is not initialized");
            fresh.setup("late", CacheConfig.builder().name("math").build());
            assertThat(squares.apply(2)).isEqualTo("4");
        }
    }

    @Test
    void anArgumentTheKeyCannotEncodeIsRefusedBeforeTheFunctionRuns() {
        Function<Object, String> described = CachedProxy.function(manager::cache, "describe", GetOrSetOptions.defaults(), arg -> {
            calls.incrementAndGet();
            return arg.toString();
        });
        assertThatThrownBy(() -> described.apply(UUID.randomUUID()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'describe'")
                .hasMessageContaining("java.util.UUID");
        assertThat(calls).hasValue(0);
    }

    @Test
    void aBlankNameIsRefused() {
        assertThatThrownBy(() -> CachedProxy.function(manager::cache, " ", GetOrSetOptions.defaults(), this::square))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be blank");
    }
}
