package io.zodiac.cache.cli;

import io.zodiac.cache.ZodiacCache;
import java.io.Console;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zodiac-cache clear}: deletes keys of one namespace, after a confirmation. */
@Command(name = "clear",
        mixinStandardHelpOptions = true,
        description = {"Delete the keys of the namespace, or those with a prefix.", "",
                "Deletes the keys of the namespace that start with --prefix, or every key of the namespace, and "
                + "nothing outside it (never FLUSHDB).",
                "Asks for confirmation on a terminal; --yes skips the question and is required when there is no "
                        + "terminal to ask on. Exits with 1 when the question is not answered yes."})
final class ClearCommand implements Callable<Integer> {

    /** Keys listed and deleted per round. */
    private static final int BATCH = 1000;

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOptions target;

    @Option(names = "--prefix", paramLabel = "P", defaultValue = "",
            description = "Only keys that start with P (default: every key of the namespace).")
    private String prefix;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    private boolean yes;

    @Override
    public Integer call() {
        String what = prefix.isEmpty() ? "every key" : "the keys starting with '" + prefix + "'";
        Console console = System.console();
        if (!yes && console == null) {
            throw CliException.usage("refusing to delete " + what + " of " + target.namespace()
                    + " without confirmation: there is no terminal to ask on; pass --yes");
        }
        try (CacheSession session = target.open()) {
            if (!yes) {
                String answer = console.readLine("Delete %s of %s on %s? [y/N] ", what, target.namespace(), session.uri());
                if (answer == null || !List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT))) {
                    throw CliException.notDone("nothing deleted");
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (prefix.isEmpty()) {
                session.await(session.cache().clear());
                out.println("cleared " + target.namespace());
            } else {
                long deleted = deleteByPrefix(session);
                out.printf(Locale.ROOT, "deleted %,d key%s starting with '%s' from %s%n", deleted, deleted == 1 ? "" : "s",
                        prefix, target.namespace());
            }
        }
        return 0;
    }

    /** Lists and deletes a batch at a time until no key is left, or none of a batch could be deleted. */
    private long deleteByPrefix(CacheSession session) {
        ZodiacCache cache = session.cache();
        long deleted = 0;
        while (true) {
            List<CompletableFuture<Boolean>> deletions = session.await(cache.keys(prefix, BATCH)).stream()
                    .map(cache::delete)
                    .toList();
            session.await(CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)));
            long round = deletions.stream().filter(CompletableFuture::join).count();
            if (round == 0) {
                return deleted;
            }
            deleted += round;
        }
    }
}
