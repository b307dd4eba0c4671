package io.zodiac.cache.memcached;

import io.zodiac.cache.CacheManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The memcached keys of one cache, whose namespace is {@code N} = {@code zodiac_cache:P}:
 *
 * <ul>
 *   <li>value of key {@code k} in generation {@code g}: {@code N:E(k)#g}
 *   <li>lock of key {@code k}: {@code zodiac_lock:P:E(k)}, outside the cache's key space, so that a
 *       user key such as {@code x-lock} is an ordinary key
 *   <li>the namespace generation: {@code N:__gen}
 * </ul>
 *
 * <p>{@code E(k)} is {@code k} itself when that is a legal memcached key part: no space or
 * control character, not starting with {@code h:}, and short enough for the longest of the keys
 * above to stay within memcached's 250 bytes. Any other {@code k} becomes {@code h:} followed by
 * the SHA-256 (hex) of its UTF-16 code units, which is defined for every Java string (unpaired
 * surrogates included). Plain parts never start with {@code h:}, so a hashed key never equals a
 * plain one, and two different keys never meet short of a SHA-256 collision.
 *
 * <p>The three families cannot meet either: values end with {@code #} and digits, locks start
 * with {@code zodiac_lock:}, and the generation key is neither. A value key parses back from its last
 * {@code #}, since a generation holds no {@code #}.
 */
final class MemcachedKeys {

    /** The longest key memcached accepts, in bytes. */
    static final int MAX_KEY_BYTES = 250;
    /** What starts a hashed key part. */
    static final String HASH_MARKER = "h:";

    /** The first part of every lock key, in place of {@link CacheManager#ZODIAC_CACHE_NAMESPACE}. */
    static final String LOCK_NAMESPACE = "zodiac_lock";
    private static final String GENERATION = "__gen";
    /** The longest suffix: {@code #} and a generation of up to 20 digits (lock keys have none). */
    private static final int SUFFIX_BYTES = 1 + 20;
    private static final int HASHED_BYTES = HASH_MARKER.length() + 64;

    private final String prefix;
    private final String lockPrefix;
    private final String generationKey;
    /** The most bytes a plain key part may take. */
    private final int plainBudget;

    /**
     * The keys of the cache whose namespace is {@code namespace}.
     *
     * @throws IllegalArgumentException when the namespace is not a legal memcached key part or is
     *     too long to leave room for a hashed key
     */
    MemcachedKeys(String namespace) {
        this.prefix = namespace + ":";
        int prefixBytes = prefix.getBytes(StandardCharsets.UTF_8).length;
        if (!isLegal(namespace) || prefixBytes + HASHED_BYTES + SUFFIX_BYTES > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("namespace '" + namespace + "' cannot be used with memcached: the prefix "
                    + "must hold no space or control character and take at most "
                    + (MAX_KEY_BYTES - HASHED_BYTES - SUFFIX_BYTES - 1 - CacheManager.ZODIAC_CACHE_NAMESPACE.length() - 1) + " bytes");
        }
        this.lockPrefix = lockPrefix(namespace);
        this.generationKey = prefix + GENERATION;
        this.plainBudget = MAX_KEY_BYTES - prefixBytes - SUFFIX_BYTES;
    }

    /** The key of {@code key}'s value in generation {@code generation}. */
    String value(String key, long generation) {
        return prefix + part(key) + '#' + generation;
    }

    /** The key of {@code key}'s lock. */
    String lock(String key) {
        return lockPrefix + part(key);
    }

    /** {@code zodiac_lock:P:} for namespace {@code zodiac_cache:P}; never longer than the value prefix. */
    private static String lockPrefix(String namespace) {
        String cachePrefix = CacheManager.ZODIAC_CACHE_NAMESPACE + ":";
        String rest = namespace.startsWith(cachePrefix) ? namespace.substring(cachePrefix.length()) : namespace;
        return LOCK_NAMESPACE + ":" + rest + ":";
    }

    /** The key of the namespace generation counter. */
    String generation() {
        return generationKey;
    }

    /** {@code E(key)}: the key itself when it is a legal part, its hash otherwise. */
    String part(String key) {
        return isPlain(key) ? key : HASH_MARKER + sha256(key);
    }

    private boolean isPlain(String key) {
        return !key.startsWith(HASH_MARKER) && isLegal(key) && utf8Length(key) <= plainBudget;
    }

    /** No space, no control character, no unpaired surrogate (which UTF-8 cannot encode one to one). */
    private static boolean isLegal(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String sha256(String key) {
        byte[] units = new byte[key.length() * 2];
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            units[2 * i] = (byte) (c >>> 8);
            units[2 * i + 1] = (byte) c;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(units));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
