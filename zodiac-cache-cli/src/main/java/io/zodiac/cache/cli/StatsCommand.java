package io.zodiac.cache.cli;

import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.TimingPlugin;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code zodiac-cache stats}: what can honestly be said about a cache from a process that lives a
 * second. Hit ratios are counted where the reads happen: in the application's plugins, and on the
 * server. This command shows the server's counters, the namespace's key count, and the round
 * trip from here measured with the {@link TimingPlugin} over a few reads.
 */
@Command(name = "stats",
        mixinStandardHelpOptions = true,
        description = {"Show the key count, the round trip and the server's hit ratio.", "",
                "Shows the namespace's key count (Redis: SCAN), the round trip from this machine (--probes GETs "
                + "of a key that is never written, timed by the TimingPlugin), and the server's own counters since it "
                + "started: hits, misses and hit ratio over every client and namespace (Redis INFO, Memcached stats).",
                "Your application's own hit ratio is counted inside it: install HitMissRatioPlugin, or the Micrometer "
                        + "plugin, in its cache configuration."})
final class StatsCommand implements Callable<Integer> {

    /** Keys counted at most; beyond it the count says "at least". */
    private static final int COUNT_LIMIT = 100_000;
    private static final String PROBE_KEY = "zodiac-cache-cli:probe";
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(5);
    private static final String ROW = "%-24s %s%n";

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOptions target;

    @Option(names = "--probes", paramLabel = "N", defaultValue = "20",
            description = "GETs that measure the round trip (default: ${DEFAULT-VALUE}).")
    private int probes;

    @Override
    public Integer call() {
        if (probes < 1 || probes > 10_000) {
            throw new ParameterException(spec.commandLine(), "--probes must be between 1 and 10000, got " + probes);
        }
        PrintWriter out = spec.commandLine().getOut();
        TimingPlugin timing = new TimingPlugin();
        try (CacheSession session = target.open(timing)) {
            ZodiacCache cache = session.cache();
            for (int i = 0; i < probes; i++) {
                session.await(cache.get(PROBE_KEY));
            }
            TimingPlugin.Stats get = timing.stats(Operation.GET);
            out.printf(ROW, "backend", session.uri());
            out.printf(ROW, "namespace", target.namespace());
            out.printf(ROW, "keys", keyCount(session));
            out.printf(Locale.ROOT, ROW, "round trip (GET)", String.format(Locale.ROOT,
                    "mean %s, min %s, max %s over %d GETs from this machine", Durations.format(get.mean()),
                    Durations.format(get.min()), Durations.format(get.max()), get.count()));
            out.println();
            printServer(out, session);
        }
        out.flush();
        return 0;
    }

    private static String keyCount(CacheSession session) {
        try {
            List<String> keys = session.await(session.cache().keys("", COUNT_LIMIT));
            return keys.size() < COUNT_LIMIT ? String.format(Locale.ROOT, "%,d", keys.size())
                    : String.format(Locale.ROOT, "at least %,d", COUNT_LIMIT);
        } catch (CliException e) {
            if (e.getCause() instanceof UnsupportedOperationException unsupported) {
                return "not available: " + unsupported.getMessage();
            }
            throw e;
        }
    }

    private static void printServer(PrintWriter out, CacheSession session) {
        ServerStats server;
        try {
            server = ServerStats.read(session.cache().config(), SERVER_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            out.printf(ROW, "server", "not available: " + CliException.describe(e));
            return;
        }
        out.printf("server %s (%s), since it started, over every client and namespace:%n", server.server(),
                server.software());
        out.printf(Locale.ROOT, ROW, "  hits / misses", String.format(Locale.ROOT, "%,d / %,d", server.hits(),
                server.misses()));
        double ratio = server.hitRatio();
        out.printf(Locale.ROOT, ROW, "  hit ratio", ratio < 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", ratio * 100));
        server.details().forEach((label, value) -> out.printf(ROW, "  " + label, value));
    }
}
