package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module descriptor exports the user API and the SPI, and keeps the implementation to itself. */
class ModuleDescriptorTest {

    private static ModuleDescriptor descriptor() throws IOException {
        URL classes = CacheManager.class.getProtectionDomain().getCodeSource().getLocation();
        try (InputStream in = new URL(classes, "module-info.class").openStream()) {
            assertThat(in).as("module-info.class of zodiac-cache-core").isNotNull();
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsTheApiAndTheSpiAndNothingInternal() throws IOException {
        ModuleDescriptor module = descriptor();
        assertThat(module.name()).isEqualTo("io.zodiac.cache");
        Map<String, Set<String>> exports = module.exports().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets, (a, b) -> a, TreeMap::new));
        assertThat(exports).containsOnlyKeys("io.zodiac.cache", "io.zodiac.cache.key", "io.zodiac.cache.plugin",
                "io.zodiac.cache.serializer", "io.zodiac.cache.spi", "io.zodiac.cache.internal.proxy");
        assertThat(exports.get("io.zodiac.cache")).as("unqualified").isEmpty();
        assertThat(exports.get("io.zodiac.cache.spi")).as("unqualified").isEmpty();
        assertThat(exports.get("io.zodiac.cache.internal.proxy")).as("the starter only").containsExactly("io.zodiac.cache.spring");
    }

    @Test
    void byteBuddyIsOptionalAndTheMemoryBackendIsAProvidedService() throws IOException {
        ModuleDescriptor module = descriptor();
        assertThat(module.requires()).filteredOn(r -> r.name().equals("net.bytebuddy"))
                .singleElement().satisfies(r -> assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.STATIC));
        assertThat(module.requires()).as("Reactor is optional too").filteredOn(r -> r.name().equals("reactor.core"))
                .singleElement().satisfies(r -> assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.STATIC));
        assertThat(module.uses()).containsExactly("io.zodiac.cache.spi.BackendProvider");
        assertThat(module.provides()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo("io.zodiac.cache.spi.BackendProvider");
            assertThat(p.providers()).containsExactly("io.zodiac.cache.internal.memory.MemoryBackendProvider");
        });
    }
}
