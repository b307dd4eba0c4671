package io.zodiac.cache.cli;

import io.zodiac.cache.spi.Secrets;
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
                    + "JVMs that share it. Ctrl-C stops the clients, prints the summary so far and clears the "
                    + "namespace (unless --keep)."},
        footerHeading = "%nExamples:%n",
        footer = {"  zodiac-cache demo",
                "  zodiac-cache demo --duration 10s --latency 200ms --threads 200 --zipf 1.2",
                "  zodiac-cache demo --backend redis://127.0.0.1:6379 --processes 4",
                "  zodiac-cache demo --refresh-after 4s --ttl 5s",
                "  zodiac-cache demo --backend redis://127.0.0.1:6379 --near-cache",
                "  export ZODIAC_CACHE_BACKEND=redis://127.0.0.1:6379; zodiac-cache demo --keep; zodiac-cache keys"})
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkloadOptions workload;

    @Option(names = "--baseline", paramLabel = "TIME", converter = Durations.class,
            description = "How long the clients call the source without the cache, for comparison; 0 skips it "
                    + "(default: half of --duration).")
    private Duration baseline;

    @Option(names = "--backend", paramLabel = "URI",
            defaultValue = "${env:" + BackendOptions.BACKEND_VARIABLE + ":-memory://}",
            description = "Where the cache lives: memory://, redis://HOST:PORT[/DB] or memcached://HOST:PORT "
                    + "(default: the environment variable " + BackendOptions.BACKEND_VARIABLE + ", else memory://).")
    private String backend;

    @Option(names = {"-n", "--namespace"}, paramLabel = "PREFIX",
            defaultValue = "${env:" + BackendOptions.NAMESPACE_VARIABLE + ":-demo}",
            description = "The demo's keys live under zodiac_cache:PREFIX; on a server it is cleared before and after "
                    + "the run, unless --keep (default: the environment variable " + BackendOptions.NAMESPACE_VARIABLE
                    + ", else demo).")
    private String namespace;

    @Option(names = "--processes", paramLabel = "N", defaultValue = "1",
            description = "Spread the clients over N JVMs that share the --backend server, to show protection across "
                    + "processes (default: ${DEFAULT-VALUE}).")
    private int processes;

    @Option(names = "--near-cache", description = "On Redis: then run the workload on a cache holding every key, "
            + "without and with a near cache (a local copy that Redis invalidates), and compare hit latency and throughput.")
    private boolean nearCache;

    @Option(names = "--keep", description = "Leave the demo's keys on the server (for 10 minutes) for the inspection "
            + "commands: keys, get, ttl, stats.")
    private boolean keep;

    /** The phase running now, stopped by Ctrl-C. */
    private volatile Workload running;
    /** The clients of the in-process phase through the cache, whose hot-key latencies the refresh comparison reads. */
    private Workload inProcess;
    /** Set by Ctrl-C: no phase starts any more. */
    private volatile boolean stopRequested;

    @Override
    public Integer call() throws Exception {
        workload.validate();
        namespace = BackendOptions.prefixOf(namespace);
        check(!namespace.isEmpty(), "--namespace must not be empty");
        Duration direct = baseline != null ? baseline : workload.duration.dividedBy(2);
        check(direct.compareTo(Duration.ofHours(1)) <= 0, "--baseline must be at most 1h, got " + Durations.format(direct));
        check(processes >= 1 && processes <= 64, "--processes must be between 1 and 64, got " + processes);
        check(processes <= workload.threads, "--processes " + processes + " needs at least as many --threads");
        check(processes == 1 || workload.refreshAfter == null, "--refresh-after compares in one process: drop --processes");
        check(processes == 1 || !nearCache, "--near-cache compares in one process: drop --processes");
        check(!nearCache || workload.refreshAfter == null, "--near-cache and --refresh-after are two comparisons: pick one");

        PrintWriter out = spec.commandLine().getOut();
        // Ctrl-C stops the clients; the run then ends as usual, with the summary so far and a clean namespace
        Duration grace = workload.latency.plus(workload.think).plusSeconds(15);
        try (Interruption interruption = Interruption.watch(this::stopRunning, grace)) {
            return run(out, direct, interruption);
        }
    }

    private int run(PrintWriter out, Duration direct, Interruption interruption) throws Exception {
        boolean live = TerminalProgress.onTerminal();
        PhaseResult cached = null;
        RefreshComparison refresh = null;
        NearCacheComparison near = null;
        boolean onServer;
        try (CacheSession session = CacheSession.open(backend, namespace, UnaryOperator.identity())) {
            onServer = !session.inProcess();
            check(processes == 1 || onServer,
                    "--processes needs a server that the processes share: pass --backend redis://HOST:PORT");
            check(!nearCache || onServer && backend.startsWith("redis"), "--near-cache needs a Redis backend: pass "
                    + "--backend redis://HOST:PORT or set " + BackendOptions.BACKEND_VARIABLE);
            check(!keep || onServer, "--keep needs a server that keeps the keys after the demo: pass --backend "
                    + "redis://HOST:PORT or set " + BackendOptions.BACKEND_VARIABLE);
            printHeader(out, session, direct);
            if (onServer) {
                session.await(session.cache().clear());
            }
            try {
                cached = throughCache(session, new TerminalProgress(out, "with cache", workload.duration, live),
                        interruption);
                if (workload.refreshAfter != null && inProcess != null && !interruption.requested()) {
                    refresh = RefreshComparison.run(workload, inProcess, session, live, out);
                }
                if (nearCache && cached != null && !interruption.requested()) {
                    near = NearCacheComparison.run(workload, session, backend, namespace, live, out);
                }
            } finally {
                if (onServer && !keep) {
                    session.await(session.cache().clear());
                }
            }
        }
        PhaseResult uncached = direct.isZero() || interruption.requested() ? null
                : phase(workload.workload(), clients -> clients.direct(direct,
                        new TerminalProgress(out, "no cache", direct, live)));
        if (interruption.requested()) {
            out.printf("%nInterrupted: %s%s.%n", cached == null ? "no summary, no client had reported yet"
                    : "the summary covers the run so far", onServer && !keep
                    ? ", and the keys under zodiac_cache:" + namespace + " are cleared" : "");
        }
        if (cached != null) {
            new Report(out, workload.keys, processes, workload.api()).print(cached, uncached);
            if (refresh != null) {
                refresh.print(out);
            }
            if (near != null) {
                near.print(out);
            }
        }
        if (onServer && keep) {
            out.printf("%nThe keys stay under zodiac_cache:%s for %d minutes: try zodiac-cache keys --backend %s "
                    + "--namespace %s%n", namespace, Workload.VALUE_TTL.toMinutes(), Secrets.redactUri(backend), namespace);
        }
        out.flush();
        return 0;
    }

    /** The phase through the cache, in this process or in worker processes; {@code null} when interrupted first. */
    private PhaseResult throughCache(CacheSession session, ProgressSink progress, Interruption interruption)
            throws Exception {
        if (processes > 1) {
            try {
                return interruption.requested() ? null : WorkerProcesses.run(workerArguments(), progress);
            } catch (CliException e) {
                if (interruption.requested()) {
                    return null;            // Ctrl-C reached the workers too: they ended without a result
                }
                throw e;
            }
        }
        Workload clients = workload.workload();
        inProcess = clients;
        clients.warmUp(session.cache());
        return phase(clients, phase -> phase.throughCache(session, workload.duration, progress));
    }

    /** Runs one phase of {@code clients}, which Ctrl-C stops; {@code null} when it came before the phase. */
    private PhaseResult phase(Workload clients, Phase phase) throws InterruptedException {
        running = clients;
        try {
            return stopRequested ? null : phase.run(clients);
        } finally {
            running = null;
        }
    }

    /** In the shutdown hook: stop the phase that runs, and any phase that would start. */
    private void stopRunning() {
        stopRequested = true;
        Workload clients = running;
        if (clients != null) {
            clients.stop();
        }
    }

    /** A phase of the demo. */
    private interface Phase {
        PhaseResult run(Workload clients) throws InterruptedException;
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
