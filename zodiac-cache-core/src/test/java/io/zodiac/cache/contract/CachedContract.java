package io.zodiac.cache.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zodiac.cache.CacheAll;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheInvalidate;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.CacheUpdate;
import io.zodiac.cache.Cached;
import io.zodiac.cache.CachedProxy;
import io.zodiac.cache.ZodiacCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code @Cached}, {@code @CacheInvalidate} and {@code @CacheUpdate} on a backend, through
 * {@link CachedProxy#of} and {@link CachedProxy#subclass}: readable template keys, invalidation and
 * update after a normal return, default keys that carry the implementation class, annotations
 * inherited from interfaces, null TTL, and Reactor return types. A backend shared by managers also
 * shows invalidations and updates to a second manager. A subclass per backend gives its
 * configuration; every row gets fresh managers and prefixes of its own.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a row stuck in join() fails instead of hanging the build
public abstract class CachedContract {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    /** A user, the value most rows cache. */
    public record User(long id, String name) {
    }

    /** Another type, for the generic interface. */
    public record Point(int x, int y) {
    }

    /** A generic interface with two implementations: their entries must never mix. */
    public interface Repo<T> {
        @Cached(name = "repo")
        T find(long id);
    }

    /** One implementation. */
    public static class UserRepo implements Repo<User> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public User find(long id) {
            calls.incrementAndGet();
            return new User(id, "user-" + id);
        }
    }

    /** The other. */
    public static class PointRepo implements Repo<Point> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Point find(long id) {
            calls.incrementAndGet();
            return new Point((int) id, (int) id * 2);
        }
    }

    /** Reads and writes of users, annotated on the interface. */
    public interface Users {
        @Cached(name = "users", key = "user:{id}", ttl = 600)
        User find(long id);

        @Cached(name = "users", key = "async:{0}", ttl = 600)
        CompletableFuture<User> findAsync(long id);

        @Cached(name = "search", key = "search:{text}")
        List<User> search(String text);

        @CacheInvalidate(name = "users", key = "user:{user.id}")
        @CacheInvalidate(name = "search", allEntries = true)
        void save(User user);

        @CacheUpdate(name = "users", key = "user:{user.id}")
        User rename(User user, String name);

        @CacheUpdate(name = "users", key = "async:{user.id}")
        CompletableFuture<User> renameAsync(User user, String name);

        @Cached(name = "users", key = "maybe:{0}", ttl = 600, nullTtl = 1, skipCacheIf = CacheAll.class)
        User maybe(long id);

        @Cached(name = "users", key = "mono:{0}")
        Mono<User> mono(long id);

        @Cached(name = "users", key = "flux:{0}")
        Flux<User> flux(String prefix);

        @CacheInvalidate(name = "users", key = "mono:{id}")
        Mono<Boolean> forgetMono(long id);

        /** A default method: a class proxy intercepts it too. */
        @Cached(name = "users", key = "default:{0}")
        default String label(long id) {
            return "label-" + id + "-" + counter().incrementAndGet();
        }

        AtomicInteger counter();
    }

    /** The implementation: counts its runs; {@code save} of a user without a name fails. */
    public static class DbUsers implements Users {
        final AtomicInteger finds = new AtomicInteger();
        final AtomicInteger searches = new AtomicInteger();
        final AtomicInteger monos = new AtomicInteger();
        final AtomicInteger labels = new AtomicInteger();
        final AtomicInteger saves = new AtomicInteger();
        volatile CountDownLatch monoGate = new CountDownLatch(0);

        @Override
        public User find(long id) {
            finds.incrementAndGet();
            return new User(id, "user-" + id);
        }

        @Override
        public CompletableFuture<User> findAsync(long id) {
            finds.incrementAndGet();
            return CompletableFuture.supplyAsync(() -> new User(id, "async-" + id));
        }

        @Override
        public List<User> search(String text) {
            searches.incrementAndGet();
            return List.of(new User(1, text + "-1"), new User(2, text + "-2"));
        }

        @Override
        public void save(User user) {
            saves.incrementAndGet();
            if (user.name() == null) {
                throw new IllegalArgumentException("a user needs a name");
            }
        }

        @Override
        public User rename(User user, String name) {
            return new User(user.id(), name);
        }

        @Override
        public CompletableFuture<User> renameAsync(User user, String name) {
            return CompletableFuture.supplyAsync(() -> new User(user.id(), name));
        }

        @Override
        public User maybe(long id) {
            finds.incrementAndGet();
            return null;
        }

        @Override
        public Mono<User> mono(long id) {
            return Mono.fromCallable(() -> {
                assertThat(monoGate.await(10, TimeUnit.SECONDS)).isTrue();
                monos.incrementAndGet();
                return id < 0 ? null : new User(id, "mono-" + id);
            }).subscribeOn(Schedulers.boundedElastic());
        }

        @Override
        public Flux<User> flux(String prefix) {
            return Flux.range(1, 3).map(i -> new User(i, prefix + i)).doOnSubscribe(s -> monos.incrementAndGet());
        }

        @Override
        public Mono<Boolean> forgetMono(long id) {
            return Mono.just(true);
        }

        @Override
        public AtomicInteger counter() {
            return labels;
        }
    }

    /** The README's class proxy: the annotations are on the interface the class implements. */
    public static class UserServiceImpl extends DbUsers {
    }

    protected CacheManager manager;
    protected ZodiacCache users;
    protected ZodiacCache search;
    private String prefix;
    private final List<CacheManager> others = new ArrayList<>();

    /** A configuration of this backend; the rows name it and give it a prefix. */
    protected abstract CacheConfig.Builder config();

    /** What this backend can do. */
    protected abstract BackendCapabilities capabilities();

    @BeforeEach
    void setUpCaches(TestInfo test) {
        prefix = "cached-" + test.getTestMethod().orElseThrow().getName() + "-" + PREFIXES.incrementAndGet();
        manager = managerOnTheSameCaches();
        users = manager.getCache("users");
        search = manager.getCache("search");
    }

    @AfterEach
    void closeManagers() {
        manager.close();
        others.forEach(CacheManager::close);
    }

    /** A manager with this row's caches: {@code users}, {@code search}, {@code repo}, on this backend. */
    protected CacheManager managerOnTheSameCaches() {
        CacheManager m = new CacheManager();
        for (String name : List.of("users", "search", "repo")) {
            m.setup(prefix + "-" + name, config().name(name).build());
        }
        if (manager != null) {
            others.add(m);
        }
        return m;
    }

    // ------------------------------------------------------------------ key templates

    @Test
    void aTemplateKeyIsReadableAndOtherCodeCanDeleteIt() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);

        assertThat(proxy.find(42)).isEqualTo(new User(42, "user-42"));
        assertThat(proxy.find(42)).isEqualTo(new User(42, "user-42"));
        assertThat(db.finds).hasValue(1);
        assertThat(users.blocking().exists("user:42")).isTrue();
        assertThat(users.blocking().get("user:42", User.class)).isEqualTo(new User(42, "user-42"));

        users.blocking().delete("user:42");
        proxy.find(42);
        assertThat(db.finds).hasValue(2);
    }

    // ------------------------------------------------------------------ invalidate and update

    @Test
    void invalidateRunsAfterANormalReturnAndAllEntriesClearsThatCacheOnly() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);
        proxy.find(1);
        proxy.find(2);
        proxy.search("a");
        proxy.search("b");
        assertThat(search.blocking().exists("search:a")).isTrue();

        proxy.save(new User(1, "ann"));

        assertThat(users.blocking().exists("user:1")).as("invalidated").isFalse();
        assertThat(users.blocking().exists("user:2")).as("another key of that cache").isTrue();
        assertThat(search.blocking().exists("search:a")).isFalse();
        assertThat(search.blocking().exists("search:b")).isFalse();
        proxy.find(1);
        assertThat(db.finds).hasValue(3);
    }

    @Test
    void aMethodThatThrowsInvalidatesNothing() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);
        proxy.find(1);
        proxy.search("a");

        assertThatThrownBy(() -> proxy.save(new User(1, null))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a user needs a name");

        assertThat(users.blocking().exists("user:1")).isTrue();
        assertThat(search.blocking().exists("search:a")).isTrue();
    }

    @Test
    void updateStoresTheReturnValueWhichTheReadThenReturns() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);
        proxy.find(7);

        assertThat(proxy.rename(new User(7, "user-7"), "grace")).isEqualTo(new User(7, "grace"));

        assertThat(proxy.find(7)).isEqualTo(new User(7, "grace"));
        assertThat(db.finds).hasValue(1);
    }

    @Test
    void anAsyncUpdateStoresTheFuturesValueBeforeTheCallersFutureCompletes() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);

        assertThat(proxy.renameAsync(new User(3, "x"), "ada").join()).isEqualTo(new User(3, "ada"));

        assertThat(users.blocking().get("async:3", User.class)).isEqualTo(new User(3, "ada"));
        assertThat(proxy.findAsync(3).join()).isEqualTo(new User(3, "ada"));
        assertThat(db.finds).hasValue(0);
    }

    @Test
    void invalidationAndUpdateWorkOnAClassProxyToo() {
        UserServiceImpl proxy = CachedProxy.subclass(manager, UserServiceImpl.class);
        proxy.find(5);
        proxy.find(5);
        assertThat(proxy.finds).hasValue(1);

        proxy.save(new User(5, "eve"));
        assertThat(users.blocking().exists("user:5")).isFalse();
        proxy.rename(new User(5, "eve"), "eva");
        assertThat(proxy.find(5)).isEqualTo(new User(5, "eva"));
        assertThat(proxy.finds).hasValue(1);
    }

    @Test
    void invalidationAndUpdateAreSeenByAnotherManagerOnTheSameBackend() {
        DbUsers readerDb = new DbUsers();
        Users reader = CachedProxy.of(manager, Users.class, readerDb);
        Users writer = CachedProxy.of(managerOnTheSameCaches(), Users.class, new DbUsers());
        reader.find(9);
        reader.search("z");

        writer.save(new User(9, "ivy"));
        if (!capabilities().sharesAcrossManagers()) {
            assertThat(users.blocking().exists("user:9")).as("each manager has a store of its own").isTrue();
            return;
        }
        assertThat(reader.find(9)).isEqualTo(new User(9, "user-9"));
        assertThat(readerDb.finds).as("the entry was gone for the reader's manager too").hasValue(2);
        reader.search("z");
        assertThat(readerDb.searches).hasValue(2);

        writer.rename(new User(9, "ivy"), "iris");
        assertThat(reader.find(9)).isEqualTo(new User(9, "iris"));
        assertThat(readerDb.finds).hasValue(2);
    }

    // ------------------------------------------------------------------ identity

    @Test
    void twoImplementationsOfAGenericInterfaceNeverShareEntries() {
        UserRepo userRepo = new UserRepo();
        PointRepo pointRepo = new PointRepo();
        @SuppressWarnings("unchecked")
        Repo<User> usersRepo = CachedProxy.of(manager, Repo.class, userRepo);
        @SuppressWarnings("unchecked")
        Repo<Point> pointsRepo = CachedProxy.of(manager, Repo.class, pointRepo);

        assertThat(usersRepo.find(1)).isEqualTo(new User(1, "user-1"));
        assertThat(pointsRepo.find(1)).isEqualTo(new Point(1, 2));
        assertThat(usersRepo.find(1)).isEqualTo(new User(1, "user-1"));
        assertThat(pointsRepo.find(1)).isEqualTo(new Point(1, 2));
        assertThat(userRepo.calls).hasValue(1);
        assertThat(pointRepo.calls).hasValue(1);
        assertThat(manager.getCache("repo").keys(UserRepo.class.getSimpleName() + ":find:", 10).join()).hasSize(1);
        assertThat(manager.getCache("repo").keys(PointRepo.class.getSimpleName() + ":find:", 10).join()).hasSize(1);
    }

    @Test
    void oneImplementationSharesItsEntriesAcrossManagersOfASharedBackend() {
        UserRepo first = new UserRepo();
        UserRepo second = new UserRepo();
        @SuppressWarnings("unchecked")
        Repo<User> one = CachedProxy.of(manager, Repo.class, first);
        @SuppressWarnings("unchecked")
        Repo<User> two = CachedProxy.of(managerOnTheSameCaches(), Repo.class, second);

        assertThat(one.find(4)).isEqualTo(two.find(4));
        assertThat(first.calls.get() + second.calls.get()).isEqualTo(capabilities().sharesAcrossManagers() ? 1 : 2);
    }

    // ------------------------------------------------------------------ class proxies

    @Test
    void theReadmesClassProxyCachesWithTheInterfacesAnnotationsAndDefaultMethods() {
        UserServiceImpl svc = CachedProxy.subclass(manager, UserServiceImpl.class);

        assertThat(svc.find(1)).isEqualTo(svc.find(1));
        assertThat(svc.finds).hasValue(1);
        assertThat(svc.label(1)).isEqualTo("label-1-1");
        assertThat(svc.label(1)).isEqualTo("label-1-1");
        assertThat(svc.labels).hasValue(1);
        assertThat(users.blocking().exists("default:1")).isTrue();
    }

    // ------------------------------------------------------------------ null TTL

    @Test
    void aStoredNullLivesForTheNullTtl() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);

        assertThat(proxy.maybe(1)).isNull();
        assertThat(proxy.maybe(1)).isNull();
        assertThat(db.finds).as("the null is stored").hasValue(1);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            proxy.maybe(1);
            assertThat(db.finds).as("the null expired after its 1 s nullTtl, not the 600 s ttl").hasValueGreaterThan(1);
        });
    }

    // ------------------------------------------------------------------ Reactor

    @Test
    void aMonoCachesItsValueAndIsANewMonoEachCall() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);

        Mono<User> first = proxy.mono(1);
        Mono<User> second = proxy.mono(1);
        assertThat(first).isNotSameAs(second);
        assertThat(db.monos).as("nothing runs before a subscription").hasValue(0);
        assertThat(first.block(Duration.ofSeconds(10))).isEqualTo(new User(1, "mono-1"));
        assertThat(second.block(Duration.ofSeconds(10))).isEqualTo(new User(1, "mono-1"));
        assertThat(first.block(Duration.ofSeconds(10))).isEqualTo(new User(1, "mono-1"));
        assertThat(db.monos).hasValue(1);
        assertThat(users.blocking().get("mono:1", User.class)).isEqualTo(new User(1, "mono-1"));

        proxy.forgetMono(1).block(Duration.ofSeconds(10));
        assertThat(users.blocking().exists("mono:1")).as("invalidated once the Mono completed").isFalse();
    }

    @Test
    void anEmptyMonoIsANullResult() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);

        assertThat(proxy.mono(-1).blockOptional(Duration.ofSeconds(10))).isEmpty();
        assertThat(proxy.mono(-1).blockOptional(Duration.ofSeconds(10))).isEmpty();
        assertThat(db.monos).as("null is not stored by default").hasValue(2);
    }

    @Test
    void concurrentSubscribersRunTheMonoOnce() throws Exception {
        DbUsers db = new DbUsers();
        db.monoGate = new CountDownLatch(1);
        Users proxy = CachedProxy.of(manager, Users.class, db);
        List<CompletableFuture<User>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(proxy.mono(2).toFuture());
        }
        db.monoGate.countDown();

        for (CompletableFuture<User> result : results) {
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new User(2, "mono-2"));
        }
        assertThat(db.monos).hasValue(1);
    }

    @Test
    void aFluxCachesItsValuesAsAList() {
        DbUsers db = new DbUsers();
        Users proxy = CachedProxy.of(manager, Users.class, db);

        assertThat(proxy.flux("f").collectList().block(Duration.ofSeconds(10)))
                .containsExactly(new User(1, "f1"), new User(2, "f2"), new User(3, "f3"));
        assertThat(proxy.flux("f").collectList().block(Duration.ofSeconds(10)))
                .containsExactly(new User(1, "f1"), new User(2, "f2"), new User(3, "f3"));
        assertThat(db.monos).hasValue(1);
    }
}
