package io.zodiac.cache.internal.memory;

import io.zodiac.cache.spi.Backend;
import io.zodiac.cache.spi.BackendContext;
import io.zodiac.cache.spi.BackendProvider;
import java.util.Set;

/** The in-memory backend, {@code "memory"}: Caffeine, the default of every cache. It takes no options. */
public final class MemoryBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Set<String> options() {
        return Set.of();
    }

    @Override
    public String defaultSerializer() {
        return "reference";
    }

    @Override
    public boolean acceptsReferences() {
        return true;
    }

    @Override
    public Backend create(BackendContext context) {
        return new MemoryBackend(context);
    }
}
