package io.zodiac.cache.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyTextTest {

    @Test
    void shortKeysAreShownWhole() {
        assertThat(KeyText.of("user:42")).isEqualTo("user:42");
        assertThat(KeyText.of("")).isEmpty();
        assertThat(KeyText.of(null)).isNull();
        assertThat(KeyText.of("k".repeat(KeyText.LONGEST))).hasSize(KeyText.LONGEST);
    }

    @Test
    void aMegabyteKeyIsShownByItsStartAndLength() {
        String text = KeyText.of("k".repeat(1 << 20));
        assertThat(text).startsWith("k".repeat(KeyText.LONGEST) + "...").endsWith("(1048576 characters)");
        assertThat(text.length()).isLessThan(KeyText.LONGEST + 40);
    }
}
