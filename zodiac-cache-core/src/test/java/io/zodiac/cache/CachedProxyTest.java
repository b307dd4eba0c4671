package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.zodiac.cache.spi.Backend;

import io.zodiac.cache.key.KeyBuilder;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.Operation;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** @Cached through interface (JDK) proxies, on the in-memory backend of an independent manager. */
class CachedProxyTest {

    private final CacheManager manager = new CacheManager();
    private final ZodiacCache cache = manager.setup("test");
    private final Service target = new Service();
    private final Users users = CachedProxy.of(manager, Users.class, target);

    @AfterEach
    void close() {
        manager.close();
    }

    interface Users {
        @Cached
        CompletableFuture<String> user(int id);

        @Cached
        String userSync(int id);

        @Cached
        String load(String id) throws IOException;

        @Cached
        CompletionStage<String> loadAsync(String id) throws IOException;

        @Cached
        String maybe(int id);

        @Cached(skipCacheIf = CacheAll.class)
        String maybeAll(int id);

        @Cached
        int total(List<List<Integer>> nested);

        @Cached
        String describe(Object anything);

        @Cached(keyBuilder = FirstArgumentKey.class, includeSelf = true, includeCls = true)
        String custom(String a, String b);

        @Cached(name = "other")
        String named(int id);

        @Cached
        String over(int id);

        @Cached
        String over(long id);

        @Cached
        String over(String id);

        @Cached(ttl = 1)
        String shortLived(int id);

        @Cached(ttl = 0)
        String forever(int id);

        @Cached
        String defaultTtl(int id);

        String plain(int id);
    }

    static final class FirstArgumentKey implements KeyBuilder {
        @Override
        public String build(Object target, Method method, Object... args) {
            return "first:" + args[0];
        }
    }

    /** Counts its calls per method; behaviour set per test through fields. */
    static class Service implements Users {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        volatile Throwable failWith;
        volatile CompletableFuture<String> gate;
        volatile Thread lastThread;

        int calls(String method) {
            AtomicInteger count = calls.get(method);
            return count == null ? 0 : count.get();
        }

        private void called(String method) {
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            lastThread = Thread.currentThread();
        }

        @Override
        public CompletableFuture<String> user(int id) {
            called("user");
            return gate != null ? gate : CompletableFuture.completedFuture("user-" + id);
        }

        @Override
        public String userSync(int id) {
            called("userSync");
            if (gate != null) {
                return gate.join();
            }
            return "sync-" + id;
        }

        @Override
        public String load(String id) throws IOException {
            called("load");
            Throwable failure = failWith;
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            return "loaded-" + id;
        }

        @Override
        public CompletionStage<String> loadAsync(String id) throws IOException {
            called("loadAsync");
            if (failWith instanceof IOException io) {
                throw io;
            }
            if (failWith != null) {
                return CompletableFuture.failedFuture(failWith);
            }
            return CompletableFuture.completedFuture("async-" + id);
        }

        @Override
        public String maybe(int id) {
            called("maybe");
            return null;
        }

        @Override
        public String maybeAll(int id) {
            called("maybeAll");
            return null;
        }

        @Override
        public int total(List<List<Integer>> nested) {
            called("total");
            return nested.stream().flatMap(List::stream).mapToInt(Integer::intValue).sum();
        }

        @Override
        public String describe(Object anything) {
            called("describe");
            return String.valueOf(anything);
        }

        @Override
        public String custom(String a, String b) {
            called("custom");
            return a + b;
        }

        @Override
        public String named(int id) {
            called("named");
            return "named-" + id;
        }

        @Override
        public String over(int id) {
            called("over(int)");
            return "int";
        }

        @Override
        public String over(long id) {
            called("over(long)");
            return "long";
        }

        @Override
        public String over(String id) {
            called("over(String)");
            return "string";
        }

        @Override
        public String shortLived(int id) {
            return "short";
        }

        @Override
        public String forever(int id) {
            return "forever";
        }

        @Override
        public String defaultTtl(int id) {
            return "default";
        }

        @Override
        public String plain(int id) {
            called("plain");
            return "plain-" + id;
        }

        @Override
        public String toString() {
            return "Service!";
        }
    }

    private List<String> keys(String method) {
        return cache.keys(Service.class.getSimpleName() + ":" + method + ":", 100).join();
    }

    @Test
    void anAsyncMethodRunsOnAMissAndIsReadOnAHit() {
        assertThat(users.user(1).join()).isEqualTo("user-1");
        assertThat(users.user(1).join()).isEqualTo("user-1");
        assertThat(target.calls("user")).isEqualTo(1);
        assertThat(users.user(2).join()).isEqualTo("user-2");
        assertThat(target.calls("user")).isEqualTo(2);
        assertThat(keys("user")).hasSize(2)
                .allMatch(key -> key.matches("Service:user:[0-9a-f]{32}"));
    }

    @Test
    void aPlainMethodIsCachedAndRunsInTheCallersThread() {
        assertThat(users.userSync(7)).isEqualTo("sync-7");
        assertThat(target.lastThread).isSameAs(Thread.currentThread());
        assertThat(users.userSync(7)).isEqualTo("sync-7");
        assertThat(target.calls("userSync")).isEqualTo(1);
    }

    @Test
    void aCallBeforeSetupFailsWithNotInitializedAndWorksOnceSetUp() {
        try (CacheManager fresh = new CacheManager()) {
            Users early = CachedProxy.of(fresh, Users.class, target);
            assertThatThrownBy(() -> early.userSync(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Cache 'default' is not initialized");
            assertThatThrownBy(() -> early.user(1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Cache 'default' is not initialized");
            assertThat(target.calls("userSync") + target.calls("user")).isZero();

            fresh.setup("late");
            assertThat(early.userSync(1)).isEqualTo("sync-1");
            assertThat(early.userSync(1)).isEqualTo("sync-1");
            assertThat(target.calls("userSync")).isEqualTo(1);
        }
    }

    @Test
    void aCheckedExceptionArrivesUnwrappedAndNothingIsStored() throws Exception {
        IOException failure = new IOException("disk gone");
        target.failWith = failure;
        assertThatThrownBy(() -> users.load("a")).isSameAs(failure);

        target.failWith = null;
        assertThat(users.load("a")).isEqualTo("loaded-a");
        assertThat(users.load("a")).isEqualTo("loaded-a");
        assertThat(target.calls("load")).isEqualTo(2);
    }

    @Test
    void anUncheckedExceptionArrivesUnwrappedAndNothingIsStored() {
        IllegalStateException failure = new IllegalStateException("no");
        target.failWith = failure;
        assertThatThrownBy(() -> users.load("a")).isSameAs(failure);
        assertThat(keys("load")).isEmpty();
    }

    @Test
    void anAsyncMethodsFailuresReachTheFutureUnwrappedAndNothingIsStored() throws Exception {
        IOException thrown = new IOException("thrown before the future");
        target.failWith = thrown;
        assertThatThrownBy(() -> users.loadAsync("a").toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(thrown);

        IllegalArgumentException failed = new IllegalArgumentException("failed future");
        target.failWith = failed;
        assertThatThrownBy(() -> users.loadAsync("a").toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(failed);

        target.failWith = null;
        assertThat(users.loadAsync("a").toCompletableFuture().join()).isEqualTo("async-a");
        assertThat(target.calls("loadAsync")).isEqualTo(3);
    }

    @Test
    void nullIsNotStoredByDefault() {
        assertThat(users.maybe(1)).isNull();
        assertThat(users.maybe(1)).isNull();
        assertThat(target.calls("maybe")).isEqualTo(2);
    }

    @Test
    void cacheAllStoresNull() {
        assertThat(users.maybeAll(1)).isNull();
        assertThat(users.maybeAll(1)).isNull();
        assertThat(target.calls("maybeAll")).isEqualTo(1);
    }

    @Test
    void nestedListsAreKeyedByContent() {
        assertThat(users.total(List.of(List.of(1, 2), List.of(3)))).isEqualTo(6);
        assertThat(users.total(new ArrayList<>(List.of(new ArrayList<>(List.of(1, 2)), Arrays.asList(3))))).isEqualTo(6);
        assertThat(target.calls("total")).isEqualTo(1);
        assertThat(users.total(List.of(List.of(1), List.of(2, 3)))).isEqualTo(6);
        assertThat(target.calls("total")).isEqualTo(2);
    }

    @Test
    void anUnsupportedArgumentFailsNamingMethodParameterAndTypeAndTheTargetIsNotCalled() {
        assertThatThrownBy(() -> users.describe(UUID.randomUUID()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Users.class.getName() + ".describe(java.lang.Object)")
                .hasMessageContaining("parameter #1 'anything' of type java.lang.Object")
                .hasMessageContaining("java.util.UUID")
                .hasMessageContaining("provide a keyBuilder");
        assertThatThrownBy(() -> users.describe(List.of(1, List.of(Map.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at [1][0]")
                .hasMessageContaining("provide a keyBuilder");
        assertThat(target.calls("describe")).isZero();
    }

    @Test
    void aCustomKeyBuilderReplacesTheDefaultKeyAndTheScopeFlags() {
        assertThat(users.custom("a", "x")).isEqualTo("ax");
        assertThat(users.custom("a", "y")).isEqualTo("ax");
        assertThat(target.calls("custom")).isEqualTo(1);
        assertThat(cache.keys("", 100).join()).containsExactly("first:a");
    }

    @Test
    void aNamedCacheIsUsedAndMustBeSetUp() {
        assertThatThrownBy(() -> users.named(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cache 'other' is not initialized");
        ZodiacCache other = manager.setup("other", CacheConfig.builder().name("other").build());
        assertThat(users.named(1)).isEqualTo("named-1");
        assertThat(users.named(1)).isEqualTo("named-1");
        assertThat(target.calls("named")).isEqualTo(1);
        assertThat(other.keys(Service.class.getSimpleName() + ":named:", 10).join()).hasSize(1);
        assertThat(keys("named")).isEmpty();
    }

    @Test
    void overloadsNeverCollide() {
        assertThat(users.over(1)).isEqualTo("int");
        assertThat(users.over(1L)).isEqualTo("long");
        assertThat(users.over("1")).isEqualTo("string");
        assertThat(users.over(1)).isEqualTo("int");
        assertThat(users.over(1L)).isEqualTo("long");
        assertThat(users.over("1")).isEqualTo("string");
        assertThat(target.calls).containsOnlyKeys("over(int)", "over(long)", "over(String)")
                .allSatisfy((method, count) -> assertThat(count).hasValue(1));
    }

    @Test
    void theAnnotationsTtlIsUsed() {
        CacheManager withDefault = new CacheManager();
        try (withDefault) {
            ZodiacCache c = withDefault.setup("ttl", CacheConfig.builder().defaultTtl(Duration.ofSeconds(300)).build());
            Users proxy = CachedProxy.of(withDefault, Users.class, target);
            proxy.shortLived(1);
            proxy.forever(1);
            proxy.defaultTtl(1);
            assertThat(c.ttl(c.keys(Service.class.getSimpleName() + ":shortLived:", 1).join().get(0)).join())
                    .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(c.ttl(c.keys(Service.class.getSimpleName() + ":forever:", 1).join().get(0)).join())
                    .isEqualTo(Backend.NO_EXPIRY);
            assertThat(c.ttl(c.keys(Service.class.getSimpleName() + ":defaultTtl:", 1).join().get(0)).join())
                    .isGreaterThan(Duration.ofSeconds(200)).isLessThanOrEqualTo(Duration.ofSeconds(300));
        }
    }

    @Test
    void methodsWithoutCachedAndObjectMethodsPassStraightThrough() {
        assertThat(users.plain(1)).isEqualTo("plain-1");
        assertThat(users.plain(1)).isEqualTo("plain-1");
        assertThat(target.calls("plain")).isEqualTo(2);
        assertThat(cache.keys("", 10).join()).isEmpty();

        assertThat(users.toString()).isEqualTo("Service!");
        assertThat(users.hashCode()).isEqualTo(target.hashCode());
        assertThat(users).isEqualTo(users);
        assertThat(users).isEqualTo(CachedProxy.of(manager, Users.class, target));
        assertThat(users).isNotEqualTo(CachedProxy.of(manager, Users.class, new Service()));
    }

    @Test
    void concurrentCallersOfOneKeyOfAnAsyncMethodRunItOnce() throws Exception {
        List<String> results = runConcurrently(32, proxy -> proxy.user(42).get(10, TimeUnit.SECONDS));
        assertThat(results).hasSize(32).containsOnly("done");
        assertThat(target.calls("user")).isEqualTo(1);
    }

    @Test
    void concurrentCallersOfOneKeyOfAPlainMethodRunItOnce() throws Exception {
        List<String> results = runConcurrently(32, proxy -> proxy.userSync(42));
        assertThat(results).hasSize(32).containsOnly("done");
        assertThat(target.calls("userSync")).isEqualTo(1);
    }

    /** Counts down when a getOrSet starts: the proxy's call has reached the cache. */
    static final class Entered implements CachePlugin {
        final CountDownLatch entered;

        Entered(CountDownLatch entered) {
            this.entered = entered;
        }

        @Override
        public void pre(String cache, Operation operation, String key) {
            if (operation == Operation.GET_OR_SET) {
                entered.countDown();
            }
        }
    }

    @FunctionalInterface
    interface Call {
        String on(Users proxy) throws Exception;
    }

    /**
     * Runs {@code threads} concurrent calls on a cache that reports each getOrSet, and lets the
     * method return only once every call has reached the cache.
     */
    private List<String> runConcurrently(int threads, Call call) throws Exception {
        CountDownLatch entered = new CountDownLatch(threads);
        CompletableFuture<String> gate = new CompletableFuture<>();
        target.gate = gate;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (CacheManager observed = new CacheManager()) {
            observed.setup("observed", CacheConfig.builder().plugins(new Entered(entered)).build());
            Users proxy = CachedProxy.of(observed, Users.class, target);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> call.on(proxy)));
            }
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            gate.complete("done");
            List<String> results = new ArrayList<>();
            for (Future<String> future : futures) {
                results.add(future.get(10, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- scopes

    interface Base {
        @Cached(includeCls = true)
        String scoped(int id);

        @Cached
        String shared(int id);
    }

    interface First extends Base {
    }

    interface Second extends Base {
    }

    static class Both implements First, Second {
        final AtomicInteger scoped = new AtomicInteger();
        final AtomicInteger shared = new AtomicInteger();

        @Override
        public String scoped(int id) {
            return "scoped-" + scoped.incrementAndGet();
        }

        @Override
        public String shared(int id) {
            return "shared-" + shared.incrementAndGet();
        }
    }

    @Test
    void includeClsSeparatesTheTypesProxiesAreCreatedFor() {
        Both both = new Both();
        First first = CachedProxy.of(manager, First.class, both);
        Second second = CachedProxy.of(manager, Second.class, both);
        First firstAgain = CachedProxy.of(manager, First.class, new Both());

        assertThat(first.scoped(1)).isEqualTo("scoped-1");
        assertThat(second.scoped(1)).isEqualTo("scoped-2");
        assertThat(firstAgain.scoped(1)).isEqualTo("scoped-1");
        assertThat(first.shared(1)).isEqualTo(second.shared(1)).isEqualTo("shared-1");
        assertThat(both.scoped).hasValue(2);
        assertThat(both.shared).hasValue(1);
    }

    interface Greeter {
        @Cached(includeSelf = true)
        String greet(String name);
    }

    static class English implements Greeter {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public String greet(String name) {
            CALLS.incrementAndGet();
            return "hello " + name + " from " + getClass().getSimpleName();
        }
    }

    static class British extends English {
    }

    @Test
    void includeSelfSharesEntriesAcrossInstancesOfAClassAndSeparatesSubclasses() {
        English.CALLS.set(0);
        Greeter one = CachedProxy.of(manager, Greeter.class, new English());
        Greeter two = CachedProxy.of(manager, Greeter.class, new English());
        Greeter sub = CachedProxy.of(manager, Greeter.class, new British());

        assertThat(one.greet("ann")).isEqualTo("hello ann from English");
        assertThat(two.greet("ann")).isEqualTo("hello ann from English");
        assertThat(English.CALLS).hasValue(1);
        assertThat(sub.greet("ann")).isEqualTo("hello ann from British");
        assertThat(English.CALLS).hasValue(2);
    }

    @Test
    void aLambdaTargetIsKeyedByTheInterfaceSinceItsClassNameIsNotStable() {
        AtomicInteger calls = new AtomicInteger();
        Greeter lambda = name -> "hi " + name + calls.incrementAndGet();
        Greeter proxy = CachedProxy.of(manager, Greeter.class, lambda);

        assertThat(proxy.greet("ann")).isEqualTo("hi ann1");
        assertThat(proxy.greet("ann")).isEqualTo("hi ann1");
        assertThat(cache.keys(Greeter.class.getSimpleName() + ":greet:", 10).join()).hasSize(1);
    }

    // ---------------------------------------------------------------- annotations on the implementation

    interface Plain {
        String value(int id);
    }

    static class AnnotatedImplementation implements Plain {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        @Cached
        public String value(int id) {
            return "value-" + calls.incrementAndGet();
        }
    }

    @Test
    void anAnnotationOnTheTargetsImplementationCounts() {
        AnnotatedImplementation implementation = new AnnotatedImplementation();
        Plain proxy = CachedProxy.of(manager, Plain.class, implementation);
        assertThat(proxy.value(1)).isEqualTo(proxy.value(1)).isEqualTo("value-1");
        assertThat(implementation.calls).hasValue(1);
    }

    interface Ttl60 {
        @Cached(ttl = 60)
        String value(int id);
    }

    static class Ttl30 implements Ttl60 {
        @Override
        @Cached(ttl = 30)
        public String value(int id) {
            return "v";
        }
    }

    @Test
    void conflictingAnnotationsOnInterfaceAndImplementationAreRefused() {
        assertThatThrownBy(() -> CachedProxy.of(manager, Ttl60.class, new Ttl30()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("annotated differently")
                .hasMessageContaining(Ttl30.class.getName());
    }

    public static final class BrokenPredicate implements Predicate<Object> {
        static final IllegalStateException FAILURE = new IllegalStateException("predicate broke");

        @Override
        public boolean test(Object value) {
            throw FAILURE;
        }
    }

    interface Broken {
        @Cached(skipCacheIf = BrokenPredicate.class)
        CompletableFuture<String> async(int id);

        @Cached(skipCacheIf = BrokenPredicate.class)
        String sync(int id);
    }

    @Test
    void aSkipPredicateThatThrowsFailsTheCallAndStoresNothing() {
        Broken broken = CachedProxy.of(manager, Broken.class, new Broken() {
            @Override
            public CompletableFuture<String> async(int id) {
                return CompletableFuture.completedFuture("a");
            }

            @Override
            public String sync(int id) {
                return "s";
            }
        });
        assertThatThrownBy(() -> broken.async(1).get(5, TimeUnit.SECONDS)).cause().isSameAs(BrokenPredicate.FAILURE);
        assertThatThrownBy(() -> broken.sync(1)).isSameAs(BrokenPredicate.FAILURE);
        assertThat(cache.keys("", 10).join()).isEmpty();
    }

    // ---------------------------------------------------------------- invalid use

    interface BadTtl {
        @Cached(ttl = -2)
        String value(int id);
    }

    interface VoidMethod {
        @Cached
        void run(int id);
    }

    interface FutureMethod {
        @Cached
        Future<String> value(int id);
    }

    interface StreamMethod {
        @Cached
        Stream<String> values(int id);
    }

    interface AbstractKeys {
        @Cached(keyBuilder = KeyBuilder.class)
        String value(int id);
    }

    @Test
    void invalidAnnotationsFailWhenTheProxyIsCreatedNamingTheMethod() {
        assertThatThrownBy(() -> CachedProxy.of(manager, BadTtl.class, id -> "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BadTtl.class.getName() + ".value(int)")
                .hasMessageContaining("ttl = -2");
        assertThatThrownBy(() -> CachedProxy.of(manager, VoidMethod.class, id -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("returns void");
        assertThatThrownBy(() -> CachedProxy.of(manager, FutureMethod.class, id -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CompletableFuture or CompletionStage");
        assertThatThrownBy(() -> CachedProxy.of(manager, StreamMethod.class, id -> Stream.of("v")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consumed only once");
        assertThatThrownBy(() -> CachedProxy.of(manager, AbstractKeys.class, id -> "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyBuilder = " + KeyBuilder.class.getName() + " is abstract");
    }

    @Test
    void ofNeedsAnInterfaceAndATargetImplementingIt() {
        assertThatThrownBy(() -> CachedProxy.of(manager, Service.class, target))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CachedProxy.subclass");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Class<Object> users = (Class) Users.class;
        assertThatThrownBy(() -> CachedProxy.of(manager, users, "not a Users"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not implement " + Users.class.getName());
    }

    // ---------------------------------------------------------------- typed reads

    record Point(int x, int y) {
    }

    interface Shapes {
        @Cached
        List<Point> points(int n);

        @Cached
        CompletableFuture<Map<String, Point>> named(int n);

        @Cached
        int area(int n);
    }

    static class ShapeService implements Shapes {
        @Override
        public List<Point> points(int n) {
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                points.add(new Point(i, -i));
            }
            return points;
        }

        @Override
        public CompletableFuture<Map<String, Point>> named(int n) {
            return CompletableFuture.completedFuture(Map.of("p" + n, new Point(n, n)));
        }

        @Override
        public int area(int n) {
            return n * n;
        }
    }

    @Test
    void valuesAreReadBackAsTheMethodsGenericReturnTypeFromAJsonCache() {
        try (CacheManager json = new CacheManager()) {
            json.setup("json", CacheConfig.builder().serializer("json").build());
            Shapes shapes = CachedProxy.of(json, Shapes.class, new ShapeService());
            shapes.points(2);
            assertThat(shapes.points(2)).containsExactly(new Point(0, 0), new Point(1, -1));
            shapes.named(3).join();
            assertThat(shapes.named(3).join()).containsEntry("p3", new Point(3, 3));
            shapes.area(4);
            assertThat(shapes.area(4)).isEqualTo(16);
        }
    }

    /** A generic repository: its type variables are resolved against the implementing class. */
    public interface Repository<T> {
        @Cached
        T find(int id);

        @Cached
        CompletableFuture<List<T>> all();
    }

    static final class PointRepository implements Repository<Point> {
        @Override
        public Point find(int id) {
            return new Point(id, -id);
        }

        @Override
        public CompletableFuture<List<Point>> all() {
            return CompletableFuture.completedFuture(List.of(new Point(1, 1)));
        }
    }

    @Test
    void typeVariablesOfAGenericInterfaceAreReadBackAsTheImplementationsTypes() {
        try (CacheManager json = new CacheManager()) {
            json.setup("json", CacheConfig.builder().serializer("json").build());
            @SuppressWarnings("unchecked")
            Repository<Point> points = CachedProxy.of(json, Repository.class, new PointRepository());
            points.find(5);
            assertThat(points.find(5)).isEqualTo(new Point(5, -5));
            points.all().join();
            assertThat(points.all().join()).containsExactly(new Point(1, 1));
        }
    }

    @Test
    void theSameExceptionReachesEveryWaitingCaller() {
        CompletableFuture<String> gate = new CompletableFuture<>();
        target.gate = gate;
        CompletableFuture<String> first = users.user(9);
        CompletableFuture<String> second = users.user(9);
        IllegalStateException failure = new IllegalStateException("late failure");
        gate.completeExceptionally(failure);
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).cause().isSameAs(failure);
        assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS)).cause().isSameAs(failure);
        assertThat(target.calls("user")).isEqualTo(1);
        assertThat(keys("user")).isEmpty();
    }
}
