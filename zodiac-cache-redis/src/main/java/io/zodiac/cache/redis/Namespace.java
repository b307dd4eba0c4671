package io.zodiac.cache.redis;

import io.zodiac.cache.CacheManager;

/**
 * The Redis names of one cache. The backend is given the namespace {@code zodiac_cache:{prefix}}
 * (the prefix escaped by the manager); then:
 *
 * <ul>
 *   <li>key {@code k} is {@code zodiac_cache:{prefix}:k};</li>
 *   <li>the lock of {@code k} is {@code zodiac_lock:{prefix}:k}: outside the cache's key space, so
 *       no user key (such as {@code x-lock}) is a lock, and listing or clearing the keys of a cache
 *       never sees or removes a lock;</li>
 *   <li>lock releases are published on the channel {@code zodiac_cache:{prefix}:__released}
 *       (channels are apart from keys in Redis).</li>
 * </ul>
 *
 * <p>Scan patterns escape the glob characters of the namespace and the prefix, so a cache named
 * {@code app*} never matches the keys of {@code apple}.
 */
final class Namespace {

    /** The first part of every lock key, in place of {@link CacheManager#ZODIAC_CACHE_NAMESPACE}. */
    static final String LOCK_NAMESPACE = "zodiac_lock";

    private static final String CACHE_NAMESPACE_COLON = CacheManager.ZODIAC_CACHE_NAMESPACE + ":";

    private final String namespace;
    private final String keyPrefix;
    private final String lockPrefix;

    Namespace(String namespace) {
        this.namespace = namespace;
        this.keyPrefix = namespace + ":";
        // zodiac_cache:{prefix} -> zodiac_lock:{prefix}; a namespace of another shape keeps its whole
        // self under zodiac_lock:, still apart from every key of the cache
        String prefix = namespace.startsWith(CACHE_NAMESPACE_COLON)
                ? namespace.substring(CACHE_NAMESPACE_COLON.length()) : namespace;
        this.lockPrefix = LOCK_NAMESPACE + ":" + prefix + ":";
    }

    /** The Redis key of a cache key. */
    String key(String key) {
        return keyPrefix + key;
    }

    /** The Redis key of a cache key's lock, outside the cache's key space. */
    String lock(String key) {
        return lockPrefix + key;
    }

    /** The pub/sub channel on which lock releases are published; the message is the cache key. */
    String releaseChannel() {
        return keyPrefix + "__released";
    }

    /** {@code true} when {@code redisKey} is a key of this namespace. */
    boolean owns(String redisKey) {
        return redisKey.startsWith(keyPrefix);
    }

    /** The cache key of a Redis key of this namespace. */
    String strip(String redisKey) {
        return redisKey.substring(keyPrefix.length());
    }

    /** A {@code SCAN MATCH} pattern for the keys of this namespace that start with {@code prefix}. */
    String pattern(String prefix) {
        return escapeGlob(keyPrefix + prefix) + "*";
    }

    /** {@code text} with Redis glob characters ({@code * ? [ ] \}) escaped by a backslash. */
    static String escapeGlob(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    @Override
    public String toString() {
        return namespace;
    }
}
