package io.zodiac.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemcachedKeysTest {

    private static final String NAMESPACE = "zodiac_cache:app";
    private final MemcachedKeys keys = new MemcachedKeys(NAMESPACE);

    @Test
    void legalKeysKeepTheContractLayout() {
        assertThat(keys.lock("user:42")).isEqualTo("zodiac_lock:app:user:42");
        assertThat(keys.value("user:42", 7)).isEqualTo("zodiac_cache:app:user:42#7");
        assertThat(keys.generation()).isEqualTo("zodiac_cache:app:__gen");
        assertThat(keys.part("ключ-🔑")).isEqualTo("ключ-🔑");
    }

    @Test
    void illegalKeysAreHashedIntoLegalOnes() {
        List<String> odd = List.of("x".repeat(300), "with space", "new\nline", "tab\t", "nul\u0000", "del\u007f",
                "crlf\r\n", "\uD800", "unpaired\uDC00", "");
        for (String key : odd) {
            for (String stored : List.of(keys.value(key, Long.MAX_VALUE), keys.lock(key))) {
                assertThat(stored.getBytes(StandardCharsets.UTF_8)).as(key).hasSizeLessThanOrEqualTo(MemcachedKeys.MAX_KEY_BYTES);
                assertThat(stored.chars()).as(key).noneMatch(c -> c <= ' ' || c == 0x7f);
            }
        }
        assertThat(keys.part("with space")).startsWith("h:").hasSize(2 + 64);
        assertThat(keys.part("with space")).isEqualTo(new MemcachedKeys("zodiac_cache:other").part("with space"))
                .as("stable: the hash does not depend on the JVM or the namespace");
    }

    @Test
    void differentKeysNeverMeet() {
        String longKey = "k".repeat(299);
        List<String> distinct = List.of(longKey + "a", longKey + "b", "\uD800", "?", "\uDC00", "a b", "a_b",
                keys.part("a b"), "h:x", "x", "k-lock", "k", "k#1", "");
        Set<String> stored = new HashSet<>();
        for (String key : distinct) {
            assertThat(stored.add(keys.value(key, 1))).as("value key of '%s' is unique", key).isTrue();
            assertThat(stored.add(keys.lock(key))).as("lock key of '%s' is unique", key).isTrue();
        }
        assertThat(stored).doesNotContain(keys.generation());
        assertThat(keys.value("k", 12)).isNotEqualTo(keys.value("k#1", 2));
    }

    @Test
    void keysJustWithinTheLimitStayPlain() {
        int budget = MemcachedKeys.MAX_KEY_BYTES - (NAMESPACE + ":").length() - 21;
        assertThat(keys.part("a".repeat(budget))).isEqualTo("a".repeat(budget));
        assertThat(keys.part("a".repeat(budget + 1))).startsWith(MemcachedKeys.HASH_MARKER);
        assertThat(keys.part("é".repeat(budget / 2 + 1))).as("bytes are counted, not chars").startsWith("h:");
    }

    @Test
    void namespacesThatCannotHoldKeysAreRejected() {
        assertThatThrownBy(() -> new MemcachedKeys("zodiac_cache:my app")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace 'zodiac_cache:my app'");
        assertThatThrownBy(() -> new MemcachedKeys("zodiac_cache:" + "p".repeat(150)))
                .hasMessageContaining("at most 149 bytes");
        assertThat(new MemcachedKeys("zodiac_cache:" + "p".repeat(149)).value("k".repeat(1000), Long.MAX_VALUE))
                .hasSizeLessThanOrEqualTo(MemcachedKeys.MAX_KEY_BYTES);
    }
}
