package io.zodiac.cache.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.OperationEvent;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Records the metrics of every cache it is installed on in a Micrometer {@link MeterRegistry},
 * tagged {@code cache=<name>} (or the tags a {@code cacheTags} function gives), under the names of
 * Micrometer's cache conventions so that existing cache dashboards work:
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code cache.gets}</td><td>counter</td><td>{@code result=hit|miss}</td>
 *     <td>{@code get} and {@code getOrSet} calls, one per call (a {@code getOrSet} is a hit when
 *     it did not run the producer itself)</td></tr>
 * <tr><td>{@code cache.puts}</td><td>counter</td><td></td>
 *     <td>values stored by {@code set}, by an {@code add} that stored, and by {@code getOrSet}</td></tr>
 * <tr><td>{@code cache.evictions}</td><td>counter</td><td></td>
 *     <td>entries evicted for size, by backends that know it (the in-memory one)</td></tr>
 * <tr><td>{@code cache.size}</td><td>gauge</td><td></td>
 *     <td>the estimated number of entries, for caches {@link #register(ZodiacCache) registered} whose backend
 *     can tell ({@link ZodiacCache#estimatedSize()}: the in-memory one)</td></tr>
 * <tr><td>{@code cache.operation}</td><td>timer</td><td>{@code operation}, {@code exception}</td>
 *     <td>every operation and every step of {@code getOrSet} ({@code operation=get_or_set},
 *     {@code lock}, {@code produce}, ...) but lock waits; {@code exception=none} on success</td></tr>
 * <tr><td>{@code cache.producer.runs}</td><td>counter</td><td>{@code result=success|failure}</td>
 *     <td>runs of a {@code getOrSet} producer ({@code @Cached} methods included)</td></tr>
 * <tr><td>{@code cache.lock.wait}</td><td>timer</td><td></td>
 *     <td>waits for another caller's producer to release a key's lock</td></tr>
 * <tr><td>{@code cache.lock.lease.expired}</td><td>counter</td><td></td>
 *     <td>waits that ended because the producer outlived its lease</td></tr>
 * <tr><td>{@code cache.fail.open}</td><td>counter</td><td></td>
 *     <td>{@code getOrSet} calls that ran the producer without the cache because the backend failed</td></tr>
 * <tr><td>{@code cache.decode.failures}</td><td>counter</td><td></td>
 *     <td>stored values that could not be decoded and were read as misses</td></tr>
 * <tr><td>{@code cache.near.gets}</td><td>counter</td><td>{@code result=hit|miss}</td>
 *     <td>reads of a cache with a {@linkplain io.zodiac.cache.NearCache near cache}: answered from
 *     the local copy (hit) or from the server (miss); reads while the near cache is off (its
 *     server connection down) are neither</td></tr>
 * <tr><td>{@code cache.near.invalidations}</td><td>counter</td><td></td>
 *     <td>invalidations the near cache received: one per key the server said changed, and one per
 *     drop of every local copy ({@code FLUSHDB}, a connection to the server lost or back, a
 *     cluster topology change)</td></tr>
 * <tr><td>{@code cache.circuit.state}</td><td>gauge</td><td>{@code state=closed|open|half_open}</td>
 *     <td>1 for the circuit breaker's current state, 0 for the others</td></tr>
 * </table>
 *
 * <p>{@code cache.size} is the size of the cache itself (its backend's entries), never the
 * number of local copies of a near cache.
 *
 * <p>{@code multiGet} and {@code multiSet} are timed but not counted as gets or puts: their
 * events do not say how many keys they touched.
 *
 * <p>The meters of a cache are registered the first time the plugin hears of it (or by
 * {@link #register(String)}); operation timers when an operation first runs. Each is kept, so recording an event looks up no meter in the
 * registry. One plugin may serve several caches, and caches of one name share their meters; give
 * a plugin per {@link io.zodiac.cache.CacheManager} common tags (such as the manager's name) to
 * keep caches of the same name in several managers apart. The circuit gauge follows the
 * breaker's events, so it reads {@code closed} until the first one and for caches without a
 * breaker (in memory).
 *
 * <pre>{@code
 * CacheConfig.builder().plugins(new MicrometerPlugin(registry)).build();
 * }</pre>
 */
public final class MicrometerPlugin implements CachePlugin {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Function<String, ? extends Iterable<Tag>> cacheTags;
    private final ConcurrentHashMap<String, CacheMeters> caches = new ConcurrentHashMap<>();

    /** A plugin that records in {@code registry}. */
    public MicrometerPlugin(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /** A plugin that records in {@code registry} and adds {@code tags} to every meter. */
    public MicrometerPlugin(MeterRegistry registry, Iterable<Tag> tags) {
        this(registry, tags, name -> Tags.of("cache", name));
    }

    /**
     * A plugin that records in {@code registry} and adds {@code tags} to every meter, and to the meters of each
     * cache the tags {@code cacheTags} gives for its name instead of {@code cache=<name>}: Spring Boot, say, tags
     * its caches' meters {@code cache=<name>} and {@code name=<name>}, and meters of one name must have the same
     * tag keys in some registries (Prometheus).
     *
     * @param registry where the meters go
     * @param tags the tags of every meter, such as the cache manager's name
     * @param cacheTags the tags of a cache's meters, given its name
     */
    public MicrometerPlugin(MeterRegistry registry, Iterable<Tag> tags, Function<String, ? extends Iterable<Tag>> cacheTags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        this.cacheTags = Objects.requireNonNull(cacheTags, "cacheTags");
    }

    @Override
    public void post(OperationEvent event) {
        meters(event.cache()).record(event);
    }

    @Override
    public void onEvent(CacheEvent event) {
        meters(event.cache()).record(event);
    }

    /**
     * Registers the meters of a cache now rather than at its first operation, so that they read 0
     * until then (a dashboard shows the cache from the start). Idempotent.
     *
     * @param cache the cache's name
     */
    public void register(String cache) {
        meters(Objects.requireNonNull(cache, "cache"));
    }

    /**
     * Registers the meters of a cache now, as {@link #register(String)} does, and its {@code cache.size} gauge
     * when its backend can tell its size. Idempotent; a cache set up again under the same name takes the gauge over.
     *
     * @param cache the cache
     */
    public void register(ZodiacCache cache) {
        meters(Objects.requireNonNull(cache, "cache").name()).sizeOf(cache);
    }

    private CacheMeters meters(String cache) {
        CacheMeters meters = caches.get(cache);
        return meters != null ? meters : caches.computeIfAbsent(cache, name -> new CacheMeters(registry, tags.and(cacheTags.apply(name))));
    }

    @Override
    public String toString() {
        return "MicrometerPlugin[" + registry.getClass().getSimpleName() + ", caches=" + caches.keySet() + "]";
    }
}
