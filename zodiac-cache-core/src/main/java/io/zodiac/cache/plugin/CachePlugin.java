package io.zodiac.cache.plugin;

/**
 * Hooks around every cache operation, the lock steps of {@code getOrSet} included. Plugins run
 * in the thread that starts or completes the operation: keep them fast and non-blocking. An
 * exception thrown by a plugin is logged and never fails the operation.
 *
 * <p>Plugins are compared by class when a cache is set up again: two instances of one plugin
 * class count as the same setting.
 */
public interface CachePlugin {

    /** Called before the operation starts. */
    default void pre(String cache, Operation operation, String key) {
    }

    /** Called when the operation completes, successfully or not. */
    default void post(OperationEvent event) {
    }

    /** Called for events that are not operations (decode failures, fail-open, circuit breaker). */
    default void onEvent(CacheEvent event) {
    }
}
