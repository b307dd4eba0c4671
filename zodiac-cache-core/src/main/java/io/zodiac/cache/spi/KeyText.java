package io.zodiac.cache.spi;

/**
 * What a message or a log line shows of a cache key: the key itself, or, for a key longer than
 * {@value #LONGEST} characters, its start and its length. A key may be a megabyte long; the error
 * about it must not be.
 */
public final class KeyText {

    /** The longest key shown whole. */
    public static final int LONGEST = 200;

    private KeyText() {
    }

    /** {@code key}, or its first {@value #LONGEST} characters and its length; {@code null} stays {@code null}. */
    public static String of(String key) {
        if (key == null || key.length() <= LONGEST) {
            return key;
        }
        return key.substring(0, LONGEST) + "... (" + key.length() + " characters)";
    }
}
