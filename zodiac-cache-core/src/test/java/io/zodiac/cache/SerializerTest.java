package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.zodiac.cache.internal.DefaultZodiacCache;

import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.serializer.BytesSerializer;
import io.zodiac.cache.serializer.JavaSerializer;
import io.zodiac.cache.serializer.JsonSerializer;
import io.zodiac.cache.serializer.ReferenceSerializer;
import io.zodiac.cache.serializer.SerializationException;
import io.zodiac.cache.serializer.Serializers;
import io.zodiac.cache.serializer.StringSerializer;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SerializerTest {

    record Point(int x, int y) implements Serializable {
    }

    /** Stands for a gadget class an attacker would smuggle into a serialized stream. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        final String command = "rm -rf /";
    }

    @Test
    void jsonRoundTripsTypedValuesAndJavaTime() {
        JsonSerializer json = new JsonSerializer();
        Instant now = Instant.parse("2026-11-25T10:15:30Z");
        assertThat(json.decode(json.encode(now), Instant.class)).isEqualTo(now);
        assertThat(json.decode(json.encode(new Point(1, 2)), Point.class)).isEqualTo(new Point(1, 2));
        assertThat(json.decode(json.encode(Optional.of("x")), new TypeRef<Optional<String>>() { }.type())).isEqualTo(Optional.of("x"));
        assertThat(json.decode(json.encode(null), Point.class)).isNull();
        assertThat(json.decode("{\"x\":1,\"y\":2,\"z\":3}".getBytes(StandardCharsets.UTF_8), Point.class))
                .as("unknown properties are ignored").isEqualTo(new Point(1, 2));
        assertThatThrownBy(() -> json.decode("{not json".getBytes(StandardCharsets.UTF_8), Point.class))
                .isInstanceOf(SerializationException.class).hasMessageContaining("cannot decode");
    }

    @Test
    void stringAndBytesTakeOnlyTheirTypeAndRoundTripNull() {
        StringSerializer string = new StringSerializer();
        assertThat(string.decode(string.encode("héllo ✓"), Object.class)).isEqualTo("héllo ✓");
        assertThat(string.decode(string.encode(null), Object.class)).isNull();
        assertThat(string.decode(string.encode(""), Object.class)).isEqualTo("");
        assertThatThrownBy(() -> string.encode(1)).isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> string.decode(new byte[] {(byte) 0xff, (byte) 0xfe}, Object.class))
                .isInstanceOf(SerializationException.class);

        BytesSerializer bytes = new BytesSerializer();
        assertThat((byte[]) bytes.decode(bytes.encode(new byte[] {0, 1}), Object.class)).containsExactly(0, 1);
        assertThat(bytes.decode(bytes.encode(null), Object.class)).isNull();
        assertThat((byte[]) bytes.decode(bytes.encode(new byte[0]), Object.class)).isEmpty();
        assertThatThrownBy(() -> bytes.encode("text")).isInstanceOf(SerializationException.class);
    }

    @Test
    void referenceChecksTheTypeOfTypedReads() {
        ReferenceSerializer reference = ReferenceSerializer.INSTANCE;
        Object stored = reference.encode(42);
        assertThat(reference.decode(stored, Integer.class)).isEqualTo(42);
        assertThat(reference.decode(stored, int.class)).isEqualTo(42);
        assertThatThrownBy(() -> reference.decode(stored, String.class)).isInstanceOf(SerializationException.class);
        assertThat(reference.decode(reference.encode(null), String.class)).isNull();
    }

    @Test
    void javaSerializationReadsOnlyAllowedClasses() {
        JavaSerializer allowed = JavaSerializer.allowing("io.zodiac.cache.SerializerTest$Point");
        Object points = allowed.encode(new ArrayList<>(List.of(new Point(1, 2))));
        assertThat(allowed.decode(points, Object.class)).isEqualTo(List.of(new Point(1, 2)));
        assertThat(allowed.decode(allowed.encode(new HashMap<>(Map.of("a", 1L))), Object.class)).isEqualTo(Map.of("a", 1L));
        assertThat(allowed.decode(allowed.encode(null), Object.class)).isNull();

        Object gadget = allowed.encode(new Gadget());
        assertThatThrownBy(() -> allowed.decode(gadget, Object.class)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("refused");
        assertThatThrownBy(() -> allowed.encode(new Object())).isInstanceOf(SerializationException.class)
                .hasMessageContaining("not Serializable");
        assertThatThrownBy(() -> JavaSerializer.allowing("a.*;!b.*")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Serializers.byName("java")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowlist");
    }

    @Test
    void aValueThatCannotBeDecodedIsAMissReportedToPluginsAndThenOverwritten() {
        List<CacheEvent> events = new CopyOnWriteArrayList<>();
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup("s", CacheConfig.builder().serializer("json").plugins(new CachePlugin() {
                @Override
                public void onEvent(CacheEvent event) {
                    events.add(event);
                }
            }).build());
            ((DefaultZodiacCache) cache).backend().set("corrupt", "{garbage".getBytes(StandardCharsets.UTF_8), null).join();
            assertThat(cache.get("corrupt").join()).isNull();
            assertThat(events).anyMatch(e -> e.kind() == CacheEvent.Kind.DECODE_FAILURE && "corrupt".equals(e.key()));
            assertThat(cache.blocking().getOrSet("corrupt", () -> "fresh")).isEqualTo("fresh");
            assertThat(cache.get("corrupt").join()).isEqualTo("fresh");
        }
    }

    @Test
    void javaSerializerPlugsIntoACache() {
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup("s", CacheConfig.builder()
                    .serializer(JavaSerializer.allowing("io.zodiac.cache.SerializerTest$Point")).build());
            cache.set("p", new Point(3, 4)).join();
            assertThat(cache.get("p", Point.class).join()).isEqualTo(new Point(3, 4));
            cache.set("g", new Gadget()).join();
            assertThat(cache.get("g").join()).as("a refused class reads as a miss").isNull();
        }
    }
}
