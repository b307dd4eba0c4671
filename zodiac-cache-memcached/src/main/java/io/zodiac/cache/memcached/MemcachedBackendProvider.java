package io.zodiac.cache.memcached;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendContext;
import io.zodiac.cache.spi.BackendProvider;
import io.zodiac.cache.CacheConfig;
import java.time.Duration;
import java.util.Set;

/**
 * The memcached backend, {@code "memcached"}, on Spotify's asynchronous folsom client.
 *
 * <pre>{@code
 * manager.setup("myapp", CacheConfig.fromUri("memcached://127.0.0.1:11211").name("pages").build());
 * manager.setup("myapp", CacheConfig.builder().name("pages").backend("memcached")
 *         .option("endpoint", "127.0.0.1").option("port", 11211).build());
 * manager.setup("myapp", CacheConfig.fromMap(Map.of("cache", "memcached", "servers", "10.0.0.1:11211,10.0.0.2:11211")));
 * }</pre>
 *
 * <p>Options:
 * <ul>
 *   <li>{@code endpoint} (a host) and {@code port} (default 11211); or {@code servers}, a list or
 *       comma-separated string of {@code host:port} (IPv6 as {@code [::1]:11211}), spread by
 *       consistent hashing; or {@code uri}, {@code memcached://host:port[,host:port...]}, which
 *       {@link CacheConfig#fromUri(String)} sets. Exactly one of the three is required.
 *   <li>{@code connections} (alias {@code pool_size}, aiocache's name): connections to each
 *       server, default 1 (one pipelined connection is usually enough).
 *   <li>{@code connect_timeout}: how long the cache waits for every server before it works with
 *       those that are connected (the keys of the others fail until the client reaches them),
 *       default 10 s; setup itself does not wait.
 * </ul>
 *
 * <p>{@code timeout} is the cache's {@link CacheConfig#operationTimeout() operation timeout}, as
 * for every backend: besides bounding each operation, it is how long a request may wait for its
 * answer before its connection is considered dead, dropped and opened again.
 *
 * <p>The caches of one {@link io.zodiac.cache.CacheManager} with the same connection options
 * and operation timeout share one client.
 *
 * <p><b>Connecting.</b> Reaching the servers is not configuration: setup checks the options (a
 * bad address, an unknown option or a bad value fails it) but does not wait for memcached, so an
 * application starts while memcached is down. The client connects in the background, retrying at
 * most a second apart, and reconnects by itself after that. A call made before the servers are
 * connected (see {@code connect_timeout}) waits for them within the operation timeout (so a call right after setup on a healthy
 * server just works), then fails with a {@link io.zodiac.cache.CacheUnavailableException} naming
 * the cache, the servers and the last connection error; {@code getOrSet} and {@code @Cached} fail
 * open as for any backend error. Shutting the cache down stops the attempts.
 *
 * <p>Behaviour that differs from the in-memory backend, because memcached works so:
 * <ul>
 *   <li>The value of key {@code k} is stored under {@code {namespace}:k#{generation}}, its lock
 *       under {@code {namespace}:k-lock}, the generation under {@code {namespace}:__gen}.
 *   <li>A key that would make those longer than memcached's 250 bytes, that holds a space or a
 *       control character, or that starts with {@code h:} is replaced by {@code h:} and the
 *       SHA-256 of the key: every string is a valid key, and different keys never meet.
 *   <li>TTLs are whole seconds, rounded up; memcached's clock ticks once a second, so an entry
 *       may expire up to a second early.
 *   <li>{@code clear()} starts a new namespace generation instead of deleting: old entries are
 *       no longer read and age out. Each operation reads the generation along with its own
 *       request, so a {@code clear()} in any process is seen at once.
 *   <li>Counters are memcached's unsigned 64-bit ones, stored as ASCII digits: a negative
 *       {@code increment} stops at 0, and one that shortens the number leaves trailing spaces
 *       ({@code "10"} minus 1 is stored as {@code "9 "}: json reads 9, string reads {@code "9 "}).
 *   <li>Values are limited to memcached's item size: the default {@code max_value_size} is
 *       {@link #DEFAULT_MAX_VALUE_SIZE}; a server started with a larger {@code -I} takes more
 *       once {@code max_value_size} is raised.
 *   <li>{@code ttl(key)} and {@code keys(...)} fail with {@link UnsupportedOperationException}.
 *   <li>The {@code getOrSet} lock expires after the lease rounded up to whole seconds, plus one;
 *       waiters in other processes poll for its release every 5 to 100 ms (memcached has no
 *       pub/sub).
 * </ul>
 */
public final class MemcachedBackendProvider implements BackendProvider {

    private static final Set<String> OPTIONS = MemcachedSettings.OPTIONS;

    /** Called by {@link java.util.ServiceLoader}. */
    public MemcachedBackendProvider() {
    }

    @Override
    public String name() {
        return "memcached";
    }

    /**
     * The largest value a cache on memcached stores unless {@code max_value_size} says otherwise:
     * memcached's default item size limit (1 MiB, its {@code -I} option) less 512 bytes for the
     * item's header and key (memcached 1.6 needs 309 bytes with a 250-byte key, the longest this
     * backend makes). For servers started with a larger {@code -I}, raise {@code max_value_size}.
     */
    public static final long DEFAULT_MAX_VALUE_SIZE = 1024 * 1024 - 512;

    @Override
    public long defaultMaxValueSize() {
        return DEFAULT_MAX_VALUE_SIZE;
    }

    @Override
    public Set<String> options() {
        return OPTIONS;
    }

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException naming the option that is missing or wrong
     */
    @Override
    public void validate(CacheConfig config) {
        MemcachedSettings.from(config);
    }

    /**
     * The backend of one cache, on a client shared by the manager's caches with the same
     * connection settings, which connects in the background: returns at once, whether memcached is
     * up or not. Calls made before the first connection wait for it within the operation timeout,
     * then fail with a {@link io.zodiac.cache.CacheUnavailableException} naming the cache, the
     * servers and the last connection error.
     *
     * @throws IllegalArgumentException when an option is missing or wrong
     */
    @Override
    public Backend create(BackendContext context) {
        MemcachedSettings settings = MemcachedSettings.from(context.config());
        MemcachedKeys keys = new MemcachedKeys(context.namespace());
        SharedClient shared = context.resources().computeIfAbsent(settings.resourceName(), SharedClient.class,
                () -> SharedClient.connect(settings));
        Duration timeout = context.config().operationTimeout();
        return shared.gate().guard(new MemcachedBackend(shared.client(), keys), timeout,
                () -> shared.notConnected(context.cacheName(), timeout));
    }
}
