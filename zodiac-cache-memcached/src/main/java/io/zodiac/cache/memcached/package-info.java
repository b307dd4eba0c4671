/**
 * The memcached backend, {@code "memcached"}: see {@link io.zodiac.cache.memcached.MemcachedBackendProvider}
 * for its options and for how it differs from the in-memory backend.
 *
 * <p>Inside, one class per idea: {@code MemcachedSettings} reads the options,
 * {@code MemcachedKeys} lays out and legalizes keys, {@code Expiry} turns TTLs into memcached
 * expiry times, {@code Generation} implements {@code clear()} through a namespace generation,
 * {@code ReleasePoller} tells lock waiters of a release, {@code SharedClient} and
 * {@code ReconnectionLog} hold the folsom client, and {@code MemcachedBackend} puts them
 * together.
 */
package io.zodiac.cache.memcached;
