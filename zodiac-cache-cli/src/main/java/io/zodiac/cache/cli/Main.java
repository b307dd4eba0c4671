package io.zodiac.cache.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code zodiac-cache} command. {@code zodiac-cache demo} shows what the library does on the
 * in-memory cache; {@code get}, {@code ttl}, {@code keys}, {@code stats} and {@code clear}
 * inspect a running Redis or Memcached. {@code zodiac-cache --help} lists everything.
 *
 * <p>Exit codes: 0 done, 1 key absent or clear not confirmed, 2 bad arguments, 3 backend
 * unreachable or failing, 130 interrupted (Ctrl-C). Errors are one line on stderr; {@code --verbose} adds the stack trace
 * and the library's log.
 */
public final class Main {

    private Main() {
    }

    /** Runs the command and exits with its exit code. */
    public static void main(String[] args) {
        System.setProperty(RootCommand.LOG_LEVEL_PROPERTY,
                System.getProperty(RootCommand.LOG_LEVEL_PROPERTY, "off"));
        System.exit(commandLine().execute(args));
    }

    /**
     * The JVM option that lets Netty load its native transport without JDK 22+'s warnings on
     * stderr, for the JVMs this command starts; the runnable jar's manifest says the same
     * ({@code Enable-Native-Access: ALL-UNNAMED}).
     */
    static List<String> nativeAccess() {
        return Runtime.version().feature() >= 22 ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
    }

    /** The configured command line: one-line errors, exit codes as documented. */
    static CommandLine commandLine() {
        RootCommand root = new RootCommand();
        CommandLine cli = new CommandLine(root);
        cli.setParameterExceptionHandler(Main::badArguments);
        cli.setExecutionExceptionHandler((error, command, parseResult) -> failed(error, command, root.verbose()));
        return cli;
    }

    private static int badArguments(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + oneLine(error.getMessage())
                + suggestion(error) + " (see " + command.getCommandSpec().qualifiedName() + " --help)");
        return CliException.USAGE;
    }

    /** For a mistyped command or option ({@code dmeo}, {@code --thread}): the names it is closest to. */
    private static String suggestion(ParameterException error) {
        if (!(error instanceof UnmatchedArgumentException unmatched) || unmatched.getUnmatched().isEmpty()) {
            return "";
        }
        String typed = unmatched.getUnmatched().get(0);
        CommandSpec spec = error.getCommandLine().getCommandSpec();
        Stream<String> names = typed.startsWith("-")
                ? spec.options().stream().filter(option -> !option.hidden()).flatMap(option -> Stream.of(option.names()))
                : spec.subcommands().values().stream().filter(command -> !command.getCommandSpec().usageMessage().hidden())
                        .map(CommandLine::getCommandName);
        // typos (transposed or missing letters) first, then picocli's own guesses (same start, similar letters)
        List<String> close = Stream.concat(
                        names.filter(name -> Typos.distance(typed, name) <= Math.max(1, name.length() / 3))
                                .sorted(Comparator.comparingInt(name -> Typos.distance(typed, name))),
                        unmatched.getSuggestions().stream())
                .filter(name -> !name.equals(DemoWorkerCommand.NAME))
                .distinct()
                .limit(3)
                .toList();
        return close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?";
    }

    private static int failed(Exception error, CommandLine command, boolean verbose) {
        PrintWriter err = command.getErr();
        if (error instanceof CliException cli) {
            err.println(command.getCommandSpec().qualifiedName() + ": " + oneLine(cli.getMessage()));
            if (verbose && cli.getCause() != null) {
                cli.getCause().printStackTrace(err);
            }
            return cli.exitCode();
        }
        err.println(command.getCommandSpec().qualifiedName() + ": unexpected error: " + oneLine(error.toString())
                + (verbose ? "" : " (rerun with --verbose for the stack trace)"));
        if (verbose) {
            error.printStackTrace(err);
        }
        return 1;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
