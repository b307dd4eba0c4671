package io.zodiac.cache;

import java.util.function.Predicate;

/**
 * A {@link Cached#skipCacheIf()} that stores every result, {@code null} included: a method that
 * returned {@code null} is not called again for those arguments until the entry expires.
 */
public final class CacheAll implements Predicate<Object> {

    /** The predicate; it holds no state. */
    public CacheAll() {
    }

    /** Always {@code false}: store everything. */
    @Override
    public boolean test(Object value) {
        return false;
    }
}
