package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code --help} of every command and {@code --version}. */
class HelpTest {

    /** Every command a user sees in {@code zodiac-cache --help}. */
    static Stream<String> commands() {
        return Main.commandLine().getSubcommands().values().stream()
                .filter(command -> !command.getCommandSpec().usageMessage().hidden())
                .filter(command -> !(command.getCommand() instanceof CommandLine.HelpCommand))
                .map(CommandLine::getCommandName);
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandHasHelp(String command) {
        Cli.Result result = Cli.run(command, "--help");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).startsWith("Usage: zodiac-cache " + command).contains("--verbose");
    }

    @Test
    void helpListsTheCommandsAndStartsWithTheDemo() {
        Cli.Result result = Cli.run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout())
                .contains("Start with: zodiac-cache demo")
                .contains("  demo ", "  bench ", "  get ", "  ttl ", "  keys ", "  stats ", "  clear ")
                .doesNotContain("demo-worker");
    }

    @Test
    void versionNamesTheReleaseAndTheBackends() {
        Cli.Result result = Cli.run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("zodiac-cache 0.1.0").contains("backends: ").contains("memory");
    }
}
