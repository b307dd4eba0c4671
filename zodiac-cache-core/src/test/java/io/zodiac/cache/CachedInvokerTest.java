package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.zodiac.cache.internal.proxy.CachedInvoker;

import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CachedInvoker}: the entry point of framework proxies, compiled once per class and method. */
class CachedInvokerTest {

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    public static class Prices {
        @Cached
        public String price(int id) {
            return "price " + id;
        }

        @Cached
        public CompletableFuture<String> priceAsync(int id) {
            return CompletableFuture.completedFuture("async " + id);
        }

        @Cached
        public void nothing() {
        }
    }

    private static Method method(String name, Class<?>... parameters) throws NoSuchMethodException {
        return Prices.class.getMethod(name, parameters);
    }

    private static CachedInvoker invoker(String name, Class<?>... parameters) throws NoSuchMethodException {
        Method method = method(name, parameters);
        return CachedInvoker.forMethod(Prices.class, method, method.getAnnotation(Cached.class));
    }

    @Test
    void forMethodCompilesOncePerClassAndMethod() throws Exception {
        assertThat(invoker("price", int.class)).isSameAs(invoker("price", int.class))
                .isNotSameAs(invoker("priceAsync", int.class));
    }

    private static CachedInvoker.Invocation counting(AtomicInteger runs, CachedInvoker.Invocation invocation) {
        return () -> {
            runs.incrementAndGet();
            return invocation.proceed();
        };
    }

    @Test
    void aHitSkipsTheInvocationAndAMissRunsItOnce() throws Throwable {
        manager.setup("test");
        CachedInvoker price = invoker("price", int.class);
        Prices target = new Prices();
        AtomicInteger runs = new AtomicInteger();
        assertThat(price.invoke(manager, target, new Object[] {7}, counting(runs, () -> target.price(7)))).isEqualTo("price 7");
        assertThat(price.invoke(manager, target, new Object[] {7}, counting(runs, () -> target.price(7)))).isEqualTo("price 7");
        assertThat(runs).hasValue(1);
        assertThat(price.invoke(manager, target, new Object[] {8}, counting(runs, () -> target.price(8)))).isEqualTo("price 8");
        assertThat(runs).as("another key runs the method").hasValue(2);
    }

    @Test
    void anAsyncHitIsACompletedFuture() throws Throwable {
        manager.setup("test");
        CachedInvoker priceAsync = invoker("priceAsync", int.class);
        Prices target = new Prices();
        AtomicInteger runs = new AtomicInteger();
        CachedInvoker.Invocation invocation = counting(runs, () -> target.priceAsync(3));
        assertThat(((CompletableFuture<?>) priceAsync.invoke(manager, target, new Object[] {3}, invocation)).join()).isEqualTo("async 3");
        Object hit = priceAsync.invoke(manager, target, new Object[] {3}, invocation);
        assertThat(hit).isInstanceOfSatisfying(CompletableFuture.class, future -> assertThat(future).isCompletedWithValue("async 3"));
        assertThat(runs).hasValue(1);
    }

    /** Plugins see every call, hits included: the fast hit path is only taken when nobody listens. */
    @Test
    void pluginsSeeHitsOfCachedMethods() throws Throwable {
        List<String> seen = new CopyOnWriteArrayList<>();
        CachePlugin plugin = new CachePlugin() {
            @Override
            public void post(OperationEvent event) {
                if (event.operation() == Operation.GET_OR_SET) {
                    seen.add(event.hit() ? "hit" : "miss");
                }
            }
        };
        manager.setup("test", CacheConfig.builder().plugins(plugin).build());
        CachedInvoker price = invoker("price", int.class);
        Prices target = new Prices();
        price.invoke(manager, target, new Object[] {1}, () -> target.price(1));
        price.invoke(manager, target, new Object[] {1}, () -> target.price(1));
        assertThat(seen).containsExactly("miss", "hit");
    }

    @Test
    void aMethodThatCannotBeCachedFailsWhenCompiled() {
        assertThatThrownBy(() -> invoker("nothing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CachedInvokerTest$Prices.nothing()")
                .hasMessageContaining("returns void");
    }

    @Test
    void aCallWithoutTheCacheSetUpFailsNamingIt() throws Exception {
        CachedInvoker price = invoker("price", int.class);
        Prices target = new Prices();
        assertThatThrownBy(() -> price.invoke(manager, target, new Object[] {1}, () -> target.price(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cache 'default' is not initialized");
    }
}
