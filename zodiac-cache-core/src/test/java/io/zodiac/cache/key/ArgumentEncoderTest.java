package io.zodiac.cache.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * The encoder's bytes are exactly the documented format, whatever the string and wherever it
 * falls in the encoder's buffer (its ASCII fast path, a string that crosses the buffer's end, a
 * non-ASCII char after ASCII ones): checked against a plain reference encoding, byte for byte
 * through SHA-256.
 */
class ArgumentEncoderTest {

    @Property(tries = 500)
    void stringsAndNumbersAreEncodedAsDocumented(@ForAll("texts") String text,
            @ForAll @IntRange(max = 140) int padding, @ForAll int number, @ForAll long wide) throws IOException {
        String pad = "p".repeat(padding);
        MessageDigest digest = sha256();
        ArgumentEncoder encoder = new ArgumentEncoder(digest);
        encoder.begin(new byte[] {1, 2, 3});
        encoder.value(pad);
        encoder.value(text);
        encoder.value(number);
        encoder.value(wide);
        encoder.flush();

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.write(new byte[] {1, 2, 3});
        reference(out, pad);
        reference(out, text);
        out.writeByte('I');
        out.writeInt(number);
        out.writeByte('J');
        out.writeLong(wide);
        assertThat(digest.digest()).isEqualTo(sha256().digest(expected.toByteArray()));
    }

    /** Mostly ASCII, with U+0000, Latin-1, two- and three-byte chars and surrogates mixed in at any place. */
    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.chars().range('\u0001', '\u007f')),
                Tuple.of(1, Arbitraries.chars().range('\u0000', '\u00ff')),
                Tuple.of(1, Arbitraries.chars().range('\u0100', '\u07ff')),
                Tuple.of(1, Arbitraries.chars().range('\u0800', '\uffff')))
                .list().ofMaxSize(300)
                .map(chars -> chars.stream().map(String::valueOf).collect(Collectors.joining()));
    }

    /** 'T', the length in chars, each char in modified UTF-8 (1-3 bytes, U+0000 in two), as documented. */
    private static void reference(DataOutputStream out, String text) throws IOException {
        out.writeByte('T');
        out.writeInt(text.length());
        for (char c : text.toCharArray()) {
            if (c != 0 && c < 0x80) {
                out.writeByte(c);
            } else if (c < 0x800) {
                out.writeByte(0xc0 | (c >> 6));
                out.writeByte(0x80 | (c & 0x3f));
            } else {
                out.writeByte(0xe0 | (c >> 12));
                out.writeByte(0x80 | ((c >> 6) & 0x3f));
                out.writeByte(0x80 | (c & 0x3f));
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
