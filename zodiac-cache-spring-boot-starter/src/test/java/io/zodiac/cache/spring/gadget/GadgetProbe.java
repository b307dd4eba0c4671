package io.zodiac.cache.spring.gadget;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Records whether {@link Gadget} was initialized or constructed, without initializing it. */
public final class GadgetProbe {

    public static final AtomicBoolean INITIALIZED = new AtomicBoolean();
    public static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    private GadgetProbe() {
    }
}
