package io.zodiac.cache.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code zodiac-cache keys}: the keys of a namespace, found with SCAN (never KEYS). */
@Command(name = "keys",
        mixinStandardHelpOptions = true,
        description = {"List the keys of the namespace (SCAN).", "",
                "Lists the keys of the namespace that start with --prefix, one per line, sorted, without the "
                + "namespace. Redis walks its keys with SCAN, so a large database is never blocked; Memcached "
                + "cannot list keys."})
final class KeysCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOptions target;

    @Option(names = "--prefix", paramLabel = "P", defaultValue = "",
            description = "Only keys that start with P (default: every key of the namespace).")
    private String prefix;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "List at most N keys (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1, got " + limit);
        }
        try (CacheSession session = target.open()) {
            List<String> keys = session.await(session.cache().keys(prefix, limit)).stream().sorted().toList();
            PrintWriter out = spec.commandLine().getOut();
            keys.forEach(out::println);
            out.flush();
            if (keys.size() == limit) {
                spec.commandLine().getErr().println("(the first " + limit + " found; there may be more: pass a larger --limit)");
            }
        }
        return 0;
    }
}
