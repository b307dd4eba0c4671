package io.zodiac.cache.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code zodiac-cache}: the subcommands, {@code --version} and the inherited {@code --verbose}. */
@Command(name = "zodiac-cache",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A unified cache layer for Java: in-memory, Redis and Memcached behind one API, "
                + "with stampede protection inside one JVM and across JVMs.",
        subcommands = {DemoCommand.class, BenchCommand.class, GetCommand.class, TtlCommand.class, KeysCommand.class, StatsCommand.class,
                ClearCommand.class, DemoWorkerCommand.class, HelpCommand.class},
        footerHeading = "%n",
        footer = {"Start with: zodiac-cache demo",
                "Inspection commands take --backend URI (or the environment variable ZODIAC_CACHE_BACKEND) and "
                        + "--namespace PREFIX (or ZODIAC_CACHE_NAMESPACE): the cache's keys live under "
                        + "zodiac_cache:PREFIX.",
                "Exit codes: 0 done, 1 key absent or clear not confirmed, 2 bad arguments, 3 backend unreachable "
                        + "or failing, 130 interrupted (Ctrl-C)."})
final class RootCommand implements Callable<Integer> {

    /** The slf4j-simple setting that the library's log follows. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @Spec
    private CommandSpec spec;

    private boolean verbose;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Print stack traces with errors, and the library's log on stderr.")
    void verbose(boolean verbose) {
        this.verbose = verbose;
        if (verbose) {
            System.setProperty(LOG_LEVEL_PROPERTY, "info");
        }
    }

    boolean verbose() {
        return verbose;
    }

    /** No subcommand: the usage on stderr, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CliException.USAGE;
    }
}
