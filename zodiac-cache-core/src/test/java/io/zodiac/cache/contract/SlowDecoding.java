package io.zodiac.cache.contract;

import io.zodiac.cache.serializer.Serializer;
import io.zodiac.cache.serializer.StringSerializer;
import java.lang.reflect.Type;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A string serializer whose decoding of values starting with {@code poison} takes as long as the
 * row wants: it counts {@code decoding} down, then waits for {@code release}. It stands for a
 * stored value that is slow to decode (a crafted one, a huge one); the backend is real.
 */
final class SlowDecoding implements Serializer {

    private final StringSerializer strings = new StringSerializer();
    private final int inlineDecodeLimit;
    private final CountDownLatch decoding;
    private final CountDownLatch release;

    /**
     * @param inlineDecodeLimit what {@link #inlineDecodeLimit()} declares: the default 64 KiB for a
     *     serializer that is slow on large values, 0 for one that may be slow on any
     */
    SlowDecoding(int inlineDecodeLimit, CountDownLatch decoding, CountDownLatch release) {
        this.inlineDecodeLimit = inlineDecodeLimit;
        this.decoding = decoding;
        this.release = release;
    }

    @Override
    public String name() {
        return "slow-decoding";
    }

    @Override
    public Object encode(Object value) {
        return strings.encode(value);
    }

    @Override
    public Object decode(Object stored, Type type) {
        Object value = strings.decode(stored, type);
        if (value instanceof String text && text.startsWith("poison")) {
            decoding.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the row never released the decode");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return value;
    }

    @Override
    public int inlineDecodeLimit() {
        return inlineDecodeLimit;
    }
}
