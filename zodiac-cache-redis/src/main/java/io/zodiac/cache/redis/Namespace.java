package io.zodiac.cache.redis;

/**
 * The Redis names of one cache: key {@code k} is {@code {namespace}:k}, its lock
 * {@code {namespace}:k-lock}, and lock releases are published on {@code {namespace}:__released}.
 * Scan patterns escape the glob characters of the namespace and the prefix, so a cache named
 * {@code app*} never matches the keys of {@code apple}.
 */
final class Namespace {

    private final String namespace;
    private final String keyPrefix;

    Namespace(String namespace) {
        this.namespace = namespace;
        this.keyPrefix = namespace + ":";
    }

    /** The Redis key of a cache key. */
    String key(String key) {
        return keyPrefix + key;
    }

    /** The Redis key of a cache key's lock. */
    String lock(String key) {
        return keyPrefix + key + "-lock";
    }

    /** The pub/sub channel on which lock releases are published; the message is the cache key. */
    String releaseChannel() {
        return keyPrefix + "__released";
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
