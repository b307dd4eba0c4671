package io.zodiac.cache.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code zodiac-cache demo}: many clients ask a slow source for a skewed set of keys, first
 * through the cache, then directly; the summary shows the hit ratio, the latencies, and that the
 * source ran once per key however many clients asked for it at the same time.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Show what the cache does: start here (in memory, no server needed).",
            "",
            "--threads clients ask a slow source (--latency per read) for --keys keys, a few of them hot (Zipf), "
                    + "first through getOrSet for --duration, then directly for --baseline. The summary compares the "
                    + "two: requests, hit ratio, latency percentiles, and the source calls per key that stampede "
                    + "protection keeps at one, however many clients ask for a cold key at once.",
            "--backend redis://HOST:PORT runs the same demo on a server, --processes N spreads the clients over N "
                    + "JVMs that share it."},
        footerHeading = "%nExamples:%n",
        footer = {"  zodiac-cache demo",
                "  zodiac-cache demo --duration 10s --latency 200ms --threads 200 --zipf 1.2",
                "  zodiac-cache demo --backend redis://127.0.0.1:6379 --processes 4",
                "  zodiac-cache demo --refresh-after 4s --ttl 5s"})
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkloadOptions workload;

    @Option(names = "--baseline", paramLabel = "TIME", converter = Durations.class,
            description = "How long the clients call the source without the cache, for comparison; 0 skips it "
                    + "(default: half of --duration).")
    private Duration baseline;

    @Option(names = "--backend", paramLabel = "URI", defaultValue = "memory://",
            description = "Where the cache lives: memory://, redis://HOST:PORT[/DB] or memcached://HOST:PORT "
                    + "(default: ${DEFAULT-VALUE}).")
    private String backend;

    @Option(names = {"-n", "--namespace"}, paramLabel = "PREFIX", defaultValue = "demo",
            description = "The demo's keys live under zodiac_cache:PREFIX; on a server it is cleared before and after "
                    + "the run (default: ${DEFAULT-VALUE}).")
    private String namespace;

    @Option(names = "--processes", paramLabel = "N", defaultValue = "1",
            description = "Spread the clients over N JVMs that share the --backend server, to show protection across "
                    + "processes (default: ${DEFAULT-VALUE}).")
    private int processes;

    @Option(names = "--keep", description = "Leave the demo's keys on the server for the inspection commands.")
    private boolean keep;

    @Override
    public Integer call() throws Exception {
        workload.validate();
        Duration direct = baseline != null ? baseline : workload.duration.dividedBy(2);
        check(direct.compareTo(Duration.ofHours(1)) <= 0, "--baseline must be at most 1h, got " + Durations.format(direct));
        check(processes >= 1 && processes <= 64, "--processes must be between 1 and 64, got " + processes);
        check(processes <= workload.threads, "--processes " + processes + " needs at least as many --threads");
        check(processes == 1 || workload.refreshAfter == null, "--refresh-after compares in one process: drop --processes");

        PrintWriter out = spec.commandLine().getOut();
        boolean live = TerminalProgress.onTerminal();
        PhaseResult cached;
        RefreshComparison refresh = null;
        boolean onServer;
        try (CacheSession session = CacheSession.open(backend, namespace, UnaryOperator.identity())) {
            onServer = !session.inProcess();
            check(processes == 1 || onServer,
                    "--processes needs a server that the processes share: pass --backend redis://HOST:PORT");
            printHeader(out, session, direct);
            if (onServer) {
                session.await(session.cache().clear());
            }
            ProgressSink progress = new TerminalProgress(out, "with cache", workload.duration, live);
            if (processes == 1) {
                Workload clients = workload.workload();
                clients.warmUp(session.cache());
                cached = clients.throughCache(session, workload.duration, progress);
                if (workload.refreshAfter != null) {
                    refresh = RefreshComparison.run(workload, clients, session, live, out);
                }
            } else {
                cached = WorkerProcesses.run(workerArguments(), progress);
            }
            if (onServer && !keep) {
                session.await(session.cache().clear());
            }
        }
        PhaseResult uncached = direct.isZero() ? null
                : workload.workload().direct(direct, new TerminalProgress(out, "no cache", direct, live));
        new Report(out, workload.keys, processes, workload.api()).print(cached, uncached);
        if (refresh != null) {
            refresh.print(out);
        }
        if (onServer && keep) {
            out.printf("%nThe keys stay under zodiac_cache:%s for %d minutes: try zodiac-cache keys --backend %s "
                    + "--namespace %s%n", namespace, Workload.VALUE_TTL.toMinutes(), backend, namespace);
        }
        out.flush();
        return 0;
    }

    /** Throws the usage error {@code message} unless {@code condition} holds. */
    private void check(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private void printHeader(PrintWriter out, CacheSession session, Duration direct) {
        out.printf(Locale.ROOT, "zodiac-cache demo: %,d clients ask for %,d keys (Zipf exponent %s) from a source "
                + "that takes %s per read.%n", workload.threads, workload.keys, workload.zipf,
                Durations.format(workload.latency));
        String where = session.inProcess() ? "in memory" : session.uri();
        String spread = processes == 1 ? "" : String.format(Locale.ROOT, ", shared by %d processes", processes);
        String then = direct.isZero() ? "" : ", then " + Durations.format(direct) + " without it";
        out.printf(Locale.ROOT, "Cache %s under zodiac_cache:%s%s. %s through %s%s. Seed %d.%n%n", where,
                namespace, spread, Durations.format(workload.duration), workload.api(), then, workload.seed);
        out.flush();
    }

    /** The arguments of each worker process: a share of the clients, a seed of its own. */
    private List<List<String>> workerArguments() {
        List<List<String>> all = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            int share = workload.threads / processes + (i < workload.threads % processes ? 1 : 0);
            List<String> arguments = new ArrayList<>(List.of(DemoWorkerCommand.NAME, "--backend", backend,
                    "--namespace", namespace));
            arguments.addAll(workload.forWorker(share, workload.seed + i));
            all.add(arguments);
        }
        return all;
    }
}
