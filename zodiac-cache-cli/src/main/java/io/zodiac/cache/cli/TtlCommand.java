package io.zodiac.cache.cli;

import io.zodiac.cache.spi.Backend;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zodiac-cache ttl KEY}: how long a key has left to live. */
@Command(name = "ttl",
        mixinStandardHelpOptions = true,
        description = {"Print the time a key has left to live.", "",
                "Prints the time KEY has left to live, in seconds (such as 59.874 s), or 'no expiry'.",
                "Exits with 1 when the key is absent."})
final class TtlCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOptions target;

    @Parameters(paramLabel = "KEY", description = "The key, without the namespace.")
    private String key;

    @Override
    public Integer call() {
        try (CacheSession session = target.open()) {
            Duration ttl = session.await(session.cache().ttl(key));
            if (ttl == null) {
                throw CliException.notDone("key '" + key + "' is absent from " + target.namespace());
            }
            spec.commandLine().getOut().println(ttl.equals(Backend.NO_EXPIRY) ? "no expiry"
                    : String.format(Locale.ROOT, "%.3f s", ttl.toMillis() / 1000.0));
        }
        return 0;
    }
}
