package io.zodiac.cache.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code zodiac-cache bench}: the JMH benchmarks against the peers. They are built from a source
 * checkout ({@code zodiac-cache-bench}), so the command runs {@code zodiac-cache-bench/run.sh} of
 * the checkout it is started in, and says so when there is none.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {"Run the benchmarks against the peers and rewrite BENCHMARKS.md (about 17 minutes).", "",
                "Runs zodiac-cache-bench/run.sh of the source checkout in the current directory (or above it): JMH "
                        + "benchmarks and harnesses against raw Caffeine, raw Lettuce, redis-benchmark, Spring "
                        + "@Cacheable and JetCache, every figure as a ratio to its peer. QUICK=1 in the environment "
                        + "runs a 4-minute smoke run; BUILD=0 reuses the built benchmarks jar."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./zodiac-cache bench", "  QUICK=1 ./zodiac-cache bench"})
final class BenchCommand implements Callable<Integer> {

    static final String SCRIPT = "zodiac-cache-bench/run.sh";

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path script = find(Path.of("").toAbsolutePath());
        if (script == null) {
            throw CliException.usage("the benchmarks run from a source checkout: no " + SCRIPT
                    + " in this directory or above it; clone the project and run ./zodiac-cache bench there");
        }
        return new ProcessBuilder(script.toString()).directory(script.getParent().getParent().toFile()).inheritIO().start()
                .waitFor();
    }

    private static Path find(Path directory) {
        for (Path at = directory; at != null; at = at.getParent()) {
            Path script = at.resolve(SCRIPT);
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        return null;
    }
}
