package io.zodiac.cache;

import java.util.function.Predicate;

/**
 * The default {@link Cached#skipCacheIf()}: a {@code null} result is returned but not stored, so
 * the next call runs the method again.
 */
public final class SkipNull implements Predicate<Object> {

    /** The predicate; it holds no state. */
    public SkipNull() {
    }

    /** {@code true} for {@code null}: skip storing it. */
    @Override
    public boolean test(Object value) {
        return value == null;
    }
}
