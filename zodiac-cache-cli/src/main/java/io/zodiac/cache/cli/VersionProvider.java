package io.zodiac.cache.cli;

import io.zodiac.cache.spi.BackendProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeSet;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the release, the Java runtime, and the backends this build can reach. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        TreeSet<String> backends = new TreeSet<>();
        ServiceLoader.load(BackendProvider.class).forEach(provider -> backends.add(provider.name()));
        return new String[] {
            "zodiac-cache " + release(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
            "backends: " + String.join(", ", backends)
        };
    }

    private static String release() {
        Properties properties = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version", "unknown");
    }
}
