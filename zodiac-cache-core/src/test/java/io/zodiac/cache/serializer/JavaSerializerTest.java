package io.zodiac.cache.serializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.internal.DefaultZodiacCache;
import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.spi.Backend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bounds every read of {@link JavaSerializer} keeps, against streams made of allowed classes only. */
class JavaSerializerTest {

    private final JavaSerializer java = JavaSerializer.allowing("io.zodiac.cache.serializer.JavaSerializerTest$*");

    /** A node of a user type nested {@code depth} times. */
    record Node(Node next) implements Serializable {
        static Node chain(int depth) {
            Node node = null;
            for (int i = 0; i < depth; i++) {
                node = new Node(node);
            }
            return node;
        }
    }

    /**
     * The "SerialDOS" value: sets nested {@code depth} deep, each level holding two sets that both
     * hold the next level's pair. Reading it hashes 2^depth sets; written, it is a few kilobytes.
     */
    static byte[] nestedSets(int depth) throws IOException {
        Set<Object> root = new HashSet<>();
        Set<Object> s1 = root;
        Set<Object> s2 = new HashSet<>();
        for (int i = 0; i < depth; i++) {
            Set<Object> t1 = new HashSet<>();
            Set<Object> t2 = new HashSet<>();
            t1.add("foo");
            s1.add(t1);
            s1.add(t2);
            s2.add(t1);
            s2.add(t2);
            s1 = t1;
            s2 = t2;
        }
        return serialized(root);
    }

    static byte[] serialized(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @Test
    void nestedHashSetsAreRefusedAtOnceInsteadOfHashingForHours() throws IOException {
        byte[] bomb = nestedSets(100);
        assertThat(bomb.length).as("a few kilobytes").isBetween(5_000, 6_000);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
                assertThatThrownBy(() -> java.decode(bomb, Object.class)).isInstanceOf(SerializationException.class)
                        .hasMessageContaining("maxDepth (20)"));
    }

    @Test
    void aTinyStreamDeclaringAHugeArrayIsRefusedBeforeTheAllocation() throws IOException {
        byte[] stream = serialized(new long[0]);
        assertThat(stream).hasSize(27);
        // The last four bytes are the array's length: declare 2^30 longs (8 GiB) without sending them.
        stream[23] = 0x40;
        assertThatThrownBy(() -> java.decode(stream, Object.class)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("array of 1073741824 elements");
    }

    @Test
    void valuesWithinTheBoundsRoundTrip() {
        List<Object> value = new ArrayList<>(List.of(new long[100_000], Node.chain(15), "text", new HashSet<>(Set.of(1, 2))));
        @SuppressWarnings("unchecked")
        List<Object> read = (List<Object>) java.decode(java.encode(value), Object.class);
        assertThat((long[]) read.get(0)).hasSize(100_000);
        assertThat(read.get(1)).isEqualTo(Node.chain(15));
        assertThat(read.subList(2, 4)).containsExactly("text", Set.of(1, 2));
        assertThat(java.decode(java.encode(new HashSet<>()), Object.class)).isEqualTo(Set.of());
    }

    @Test
    void everyBoundIsConfigurableAndNamedWhenAStreamGoesOverIt() {
        Object deep = Node.chain(30);
        assertThatThrownBy(() -> java.decode(java.encode(deep), Object.class)).hasMessageContaining("maxDepth (20)");
        JavaSerializer deeper = JavaSerializer.builder().allow("io.zodiac.cache.serializer.JavaSerializerTest$*")
                .maxDepth(40).build();
        assertThat(deeper.decode(deeper.encode(deep), Object.class)).isEqualTo(deep);

        JavaSerializer shortArrays = JavaSerializer.builder().maxArrayLength(1000).build();
        assertThat((long[]) shortArrays.decode(shortArrays.encode(new long[1000]), Object.class)).hasSize(1000);
        assertThatThrownBy(() -> shortArrays.decode(shortArrays.encode(new long[1001]), Object.class))
                .isInstanceOf(SerializationException.class).hasMessageContaining("maxArrayLength (1000)");

        JavaSerializer fewObjects = JavaSerializer.builder().maxReferences(100).build();
        List<Integer> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(1000 + i);
        }
        assertThatThrownBy(() -> fewObjects.decode(fewObjects.encode(many), Object.class))
                .isInstanceOf(SerializationException.class).hasMessageContaining("maxReferences (100)");

        JavaSerializer small = JavaSerializer.builder().maxBytes(1000).build();
        assertThatThrownBy(() -> small.encode(new byte[2000])).isInstanceOf(SerializationException.class)
                .hasMessageContaining("over maxBytes (1000)");
        assertThatThrownBy(() -> small.decode(java.encode(new byte[2000]), Object.class))
                .isInstanceOf(SerializationException.class).hasMessageContaining("maxBytes (1000)");

        assertThatThrownBy(() -> JavaSerializer.builder().maxDepth(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDepth must be positive");
        assertThat(deeper).isNotEqualTo(java).hasToString("java[io.zodiac.cache.serializer.JavaSerializerTest$*][maxDepth=40]");
        assertThat(JavaSerializer.allowing("a.**")).isEqualTo(JavaSerializer.builder().allow("a.**").build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "**", ".*", ".**", "*.*", "java.base/*", "java.base/**"})
    void anAllowlistThatAllowsEveryClassIsRefused(String pattern) {
        assertThatThrownBy(() -> JavaSerializer.allowing("com.example.**", pattern)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + pattern + "' allows every class")
                .hasMessageContaining("remote-code-execution");
        assertThatThrownBy(() -> JavaSerializer.builder().allow(pattern)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRefusedStreamInACacheIsAMissReportedToPlugins() throws IOException {
        List<CacheEvent> events = new CopyOnWriteArrayList<>();
        byte[] hugeArray = serialized(new long[0]);
        hugeArray[23] = 0x40;
        try (CacheManager manager = new CacheManager()) {
            ZodiacCache cache = manager.setup("java", CacheConfig.builder().serializer(java).plugins(new CachePlugin() {
                @Override
                public void onEvent(CacheEvent event) {
                    events.add(event);
                }
            }).build());
            Backend backend = ((DefaultZodiacCache) cache).backend();
            backend.set("sets", nestedSets(100), null).join();
            backend.set("array", hugeArray, null).join();
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertThat(cache.get("sets").join()).isNull();
                assertThat(cache.get("array").join()).isNull();
            });
            assertThat(events).filteredOn(e -> e.kind() == CacheEvent.Kind.DECODE_FAILURE).extracting(CacheEvent::key)
                    .containsExactly("sets", "array");
            assertThat(cache.blocking().getOrSet("sets", () -> "fresh")).isEqualTo("fresh");
            assertThat(cache.get("sets").join()).isEqualTo("fresh");
        }
    }

    @Test
    void everyValueIsDecodedOffTheIoThreads() {
        assertThat(java.inlineDecodeLimit()).isZero();
    }
}
