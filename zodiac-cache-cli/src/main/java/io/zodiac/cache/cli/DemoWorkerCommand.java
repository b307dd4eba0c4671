package io.zodiac.cache.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One process of {@code demo --processes N}, started by {@link WorkerProcesses}; hidden from the
 * help. Talks to its parent in lines: it prints {@value #READY} once connected and warmed up, starts when it
 * reads {@value #GO} on stdin, prints {@value #PROGRESS} lines while it runs and one
 * {@value #RESULT} line at the end.
 */
@Command(name = DemoWorkerCommand.NAME, hidden = true, mixinStandardHelpOptions = true,
        description = "Internal: one process of zodiac-cache demo --processes N.")
final class DemoWorkerCommand implements Callable<Integer> {

    static final String NAME = "demo-worker";
    static final String READY = "READY";
    static final String GO = "GO";
    static final String PROGRESS = "PROGRESS";
    static final String RESULT = "RESULT";

    @Spec
    private CommandSpec spec;

    @Mixin
    private WorkloadOptions workload;

    @Option(names = "--backend", paramLabel = "URI", required = true)
    private String backend;

    @Option(names = "--namespace", paramLabel = "PREFIX", required = true)
    private String namespace;

    @Override
    public Integer call() throws Exception {
        workload.validate();
        PrintWriter out = spec.commandLine().getOut();
        try (CacheSession session = CacheSession.open(backend, namespace, UnaryOperator.identity())) {
            Workload clients = workload.workload();
            clients.warmUp(session.cache());
            out.println(READY);
            out.flush();
            BufferedReader parent = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!GO.equals(parent.readLine())) {
                throw CliException.notDone("the demo process that started this worker is gone");
            }
            PhaseResult result = clients.throughCache(session, workload.duration,
                    (elapsedNanos, requests, sourceCalls, last) -> {
                        out.println(PROGRESS + " " + requests + " " + sourceCalls);
                        out.flush();
                    });
            out.println(RESULT + " " + result.encode());
            out.flush();
        }
        return 0;
    }
}
