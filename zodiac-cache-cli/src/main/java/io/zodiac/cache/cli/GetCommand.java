package io.zodiac.cache.cli;

import io.zodiac.cache.ZodiacCache;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zodiac-cache get KEY}: the value stored under a key, as stored. */
@Command(name = "get",
        mixinStandardHelpOptions = true,
        description = {"Print the value stored under a key.", "",
                "Prints the value stored under KEY as it is stored: text as text (JSON for the json serializer, "
                + "the default on servers), anything else as hex: prefixed with 'hex:'.",
                "Exits with 1 when the key is absent."})
final class GetCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOptions target;

    @Parameters(paramLabel = "KEY", description = "The key, without the namespace.")
    private String key;

    @Override
    public Integer call() {
        try (CacheSession session = target.open()) {
            ZodiacCache cache = session.cache();
            byte[] value = session.await(cache.get(key, byte[].class));
            if (value == null && !session.await(cache.exists(key))) {
                throw CliException.notDone("key '" + key + "' is absent from " + target.namespace());
            }
            spec.commandLine().getOut().println(value == null ? "null" : display(value));
        }
        return 0;
    }

    /** The bytes as text when they are UTF-8 without control characters (tabs and line breaks aside), else hex. */
    static String display(byte[] value) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
            if (text.chars().noneMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
                return text;
            }
        } catch (CharacterCodingException e) {
            // not text: shown as hex below
        }
        return "hex:" + HexFormat.of().formatHex(value);
    }
}
