package io.zodiac.cache.serializer;

import java.lang.reflect.Type;

/**
 * Turns values into what a backend stores and back.
 *
 * <p>Every serializer but {@link ReferenceSerializer} produces {@code byte[]}. {@code encode(null)}
 * must return a non-null representation that {@code decode} maps back to {@code null}: that is how
 * a cache stores a null (a producer's null result, for instance).
 *
 * <p>{@code encode} throws {@link SerializationException} for a value it cannot handle (nothing is
 * stored then); {@code decode} throws it for stored data it cannot read, which the cache reports
 * to its plugins and treats as a miss.
 */
public interface Serializer {

    /** The name used in configuration: {@code reference}, {@code json}, {@code string}, {@code bytes}, {@code java}. */
    String name();

    /** The stored form of {@code value}, which may be {@code null}. */
    Object encode(Object value);

    /**
     * The value of a stored form, read as {@code type} ({@code Object.class} for an untyped
     * read).
     */
    Object decode(Object stored, Type type);

    /**
     * The size, in bytes, up to which a stored value is decoded in the thread that received it.
     * For a server backend that is a client's I/O thread, shared by every cache of the manager on
     * that connection: a larger value is decoded on a separate pool instead, so that a slow decode
     * never delays the other caches. 64 KiB by default, about where handing the decode to another
     * thread (a tenth of a millisecond) becomes small against the decode itself (around a
     * millisecond of JSON); a serializer whose decoding time does not follow from the size returns 0, so
     * that every value is decoded off the I/O threads ({@link JavaSerializer} does).
     */
    default int inlineDecodeLimit() {
        return 64 * 1024;
    }
}
