package io.zodiac.cache.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.plugin.CachePlugin;
import io.zodiac.cache.plugin.Operation;
import io.zodiac.cache.plugin.OperationEvent;
import io.zodiac.cache.plugin.TimingPlugin;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                + "of a key that is never written, timed by the TimingPlugin, after one untimed GET that warms the "
                + "connection), and the server's own counters since it started: hits, misses and hit ratio over every "
                + "client and namespace (Redis INFO, Memcached stats). --json prints the same as one JSON object.",
                "Your application's own hit ratio is counted inside it: install HitMissRatioPlugin, or the Micrometer "
                        + "plugin, in its cache configuration."})
final class StatsCommand implements Callable<Integer> {

    /** Keys counted at most; beyond it the count says "at least". */
    private static final int COUNT_LIMIT = 100_000;
    private static final String PROBE_KEY = "zodiac-cache-cli:probe";
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(5);
    private static final String ROW = "%-24s %s%n";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOptions target;

    @Option(names = "--probes", paramLabel = "N", defaultValue = "20",
            description = "GETs that measure the round trip (default: ${DEFAULT-VALUE}).")
    private int probes;

    @Option(names = "--json", description = "Print one JSON object, for scripts and monitoring.")
    private boolean json;

    @Override
    public Integer call() {
        if (probes < 1 || probes > 10_000) {
            throw new ParameterException(spec.commandLine(), "--probes must be between 1 and 10000, got " + probes);
        }
        PrintWriter out = spec.commandLine().getOut();
        TimingPlugin timing = new TimingPlugin();
        Timed timed = new Timed(timing);
        try (CacheSession session = target.open(timed)) {
            ZodiacCache cache = session.cache();
            // the first GET also warms the connection and the JIT: it is not part of the round trip
            session.await(cache.get(PROBE_KEY));
            timed.start();
            for (int i = 0; i < probes; i++) {
                session.await(cache.get(PROBE_KEY));
            }
            TimingPlugin.Stats get = timing.stats(Operation.GET);
            String keys = keyCount(session);
            ServerStats server = null;
            String serverProblem = null;
            try {
                server = ServerStats.read(session.cache().config(), SERVER_TIMEOUT);
            } catch (IOException | RuntimeException e) {
                serverProblem = CliException.describe(e);
            }
            if (json) {
                printJson(out, session, keys, get, server, serverProblem);
            } else {
                out.printf(ROW, "backend", session.uri());
                out.printf(ROW, "namespace", target.namespace());
                out.printf(ROW, "keys", keys);
                out.printf(Locale.ROOT, ROW, "round trip (GET)", String.format(Locale.ROOT,
                        "mean %s, min %s, max %s over %d GETs from this machine", Durations.format(get.mean()),
                        Durations.format(get.min()), Durations.format(get.max()), get.count()));
                out.println();
                printServer(out, server, serverProblem);
            }
        }
        out.flush();
        return 0;
    }

    private void printJson(PrintWriter out, CacheSession session, String keys, TimingPlugin.Stats get,
            ServerStats server, String serverProblem) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("backend", session.uri());
        stats.put("namespace", target.namespace());
        stats.put("keys", keys.matches("[0-9,]+") ? Long.parseLong(keys.replace(",", "")) : null);
        stats.put("keysNote", keys.matches("[0-9,]+") ? null : keys);
        Map<String, Object> roundTrip = new LinkedHashMap<>();
        roundTrip.put("operation", "GET");
        roundTrip.put("count", get.count());
        roundTrip.put("meanMicros", micros(get.mean()));
        roundTrip.put("minMicros", micros(get.min()));
        roundTrip.put("maxMicros", micros(get.max()));
        stats.put("roundTrip", roundTrip);
        if (server == null) {
            stats.put("server", null);
            stats.put("serverNote", "not available: " + serverProblem);
        } else {
            Map<String, Object> counters = new LinkedHashMap<>();
            counters.put("address", server.server());
            counters.put("software", server.software());
            counters.put("hits", server.hits());
            counters.put("misses", server.misses());
            counters.put("hitRatio", server.hitRatio() < 0 ? null : server.hitRatio());
            counters.put("details", server.details());
            stats.put("server", counters);
        }
        try {
            out.println(JSON.writeValueAsString(stats));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double micros(Duration duration) {
        return duration.toNanos() / 1000.0;
    }

    /** Passes operations on to the {@link TimingPlugin} once {@link #start()}ed: the warm-up GET is not timed. */
    private static final class Timed implements CachePlugin {
        private final TimingPlugin timing;
        private volatile boolean started;

        Timed(TimingPlugin timing) {
            this.timing = timing;
        }

        void start() {
            started = true;
        }

        @Override
        public void post(OperationEvent event) {
            if (started) {
                timing.post(event);
            }
        }
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

    private static void printServer(PrintWriter out, ServerStats server, String problem) {
        if (server == null) {
            out.printf(ROW, "server", "not available: " + problem);
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
