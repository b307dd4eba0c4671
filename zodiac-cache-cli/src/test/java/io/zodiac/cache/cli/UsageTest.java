package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad arguments end with exit code 2 and one line on stderr that says what to fix, and no stack trace. */
class UsageTest {

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(new String[] {"demo", "--duration", "abc"}, "'abc' is not a duration"),
                Arguments.of(new String[] {"demo", "--threads", "0"}, "--threads must be between 1 and 10000"),
                Arguments.of(new String[] {"demo", "--bogus"}, "Unknown option: '--bogus'"),
                Arguments.of(new String[] {"demo", "--processes", "2"}, "--processes needs a server"),
                Arguments.of(new String[] {"demo", "--backend", "ftp://example.org"}, "uri scheme 'ftp' is unknown"),
                Arguments.of(new String[] {"frobnicate"}, "Unmatched argument"),
                Arguments.of(new String[] {"dmeo"}, "did you mean demo?"),
                Arguments.of(new String[] {"demo", "--thread", "4"}, "did you mean --threads"),
                Arguments.of(new String[] {"get", "user:1", "--namespace", "app"}, "no backend: pass --backend"),
                Arguments.of(new String[] {"keys", "--backend", "memory://", "--namespace", "app"},
                        "the in-memory cache lives inside one process"),
                Arguments.of(new String[] {"clear", "--backend", "redis://127.0.0.1:6379", "--namespace", "app"},
                        "there is no terminal to ask on; pass --yes"));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsExitWithTwoAndOneLine(String[] args, String message) {
        Cli.Result result = Cli.run(args);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderrLines()).as(result.toString()).singleElement().asString()
                .startsWith("zodiac-cache")
                .contains(message);
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void backendAndNamespaceDefaultToTheEnvironment() {
        Cli.Result result = Cli.run(Map.of("ZODIAC_CACHE_BACKEND", "memory://", "ZODIAC_CACHE_NAMESPACE", "app"),
                "ttl", "user:1");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).contains("--backend memory://: the in-memory cache lives inside one process");
    }
}
