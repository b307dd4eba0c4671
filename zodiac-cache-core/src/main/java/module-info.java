/**
 * zodiac-cache: one async cache API over an in-memory default and remote backends, with
 * stampede protection and method caching.
 *
 * <p>Exported: the user API ({@code io.zodiac.cache}, {@code .key}, {@code .plugin},
 * {@code .serializer}) and the backend SPI ({@code io.zodiac.cache.spi}). Everything under
 * {@code io.zodiac.cache.internal} is the implementation and may change in any release; the
 * {@code @Cached} machinery is exported to the Spring Boot starter alone.
 */
module io.zodiac.cache {
    requires com.github.benmanes.caffeine;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires org.slf4j;
    /* Only CachedProxy.subclass needs Byte Buddy; without it that method fails naming the dependency. */
    requires static net.bytebuddy;
    /* Only @Cached methods returning Mono or Flux need Reactor; nothing of it is loaded otherwise. */
    requires static reactor.core;

    exports io.zodiac.cache;
    exports io.zodiac.cache.key;
    exports io.zodiac.cache.plugin;
    exports io.zodiac.cache.serializer;
    exports io.zodiac.cache.spi;
    exports io.zodiac.cache.internal.proxy to io.zodiac.cache.spring;

    uses io.zodiac.cache.spi.BackendProvider;
    provides io.zodiac.cache.spi.BackendProvider with io.zodiac.cache.internal.memory.MemoryBackendProvider;
}
