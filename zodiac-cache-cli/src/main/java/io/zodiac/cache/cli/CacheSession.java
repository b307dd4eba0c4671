package io.zodiac.cache.cli;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.spi.Secrets;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;

/**
 * One cache on the backend a command names with {@code --backend URI}, under
 * {@code zodiac_cache:{prefix}}, on a manager of its own that {@link #close()} shuts down.
 * Failures become {@link CliException}s: a bad URI is a usage error, anything the backend does
 * wrong a backend error naming the URI.
 */
final class CacheSession implements AutoCloseable {

    private final String uri;
    private final CacheManager manager;
    private final ZodiacCache cache;

    private CacheSession(String uri, CacheManager manager, ZodiacCache cache) {
        this.uri = uri;
        this.manager = manager;
        this.cache = cache;
    }

    /**
     * Sets up the cache from the URI and the command's own {@code settings} (a serializer,
     * plugins); the backend may connect here.
     */
    static CacheSession open(String uri, String prefix, UnaryOperator<CacheConfig.Builder> settings) {
        CacheConfig config;
        try {
            config = settings.apply(CacheConfig.fromUri(uri)).build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--backend: " + e.getMessage(), e);
        }
        CacheManager manager = new CacheManager();
        try {
            return new CacheSession(uri, manager, manager.setup(prefix, config));
        } catch (IllegalArgumentException e) {
            closeQuietly(manager);
            throw CliException.usage("--backend " + Secrets.redactUri(uri) + ": " + CliException.describe(e), e);
        } catch (RuntimeException e) {
            closeQuietly(manager);
            throw backendFailure(uri, e);
        }
    }

    /** A backend failure, naming the URI unless the library's message already does, with what to check. */
    private static CliException backendFailure(String uri, Throwable error) {
        String message = CliException.describe(error);
        String authority = URI.create(uri).getRawAuthority();
        boolean named = message.contains(uri) || authority != null && message.contains(authority);
        return CliException.backend((named ? "" : Secrets.redactUri(uri) + ": ") + Secrets.redactUri(message) + "; "
                + whatToCheck(error), error);
    }

    private static String whatToCheck(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return "the TLS handshake failed: trust the CA that signed the server's certificate with "
                        + "--option ca_cert=FILE (PEM) or --option truststore=FILE, as the application does";
            }
        }
        return "check that the server is running and that --backend is right";
    }

    /** The cache. */
    ZodiacCache cache() {
        return cache;
    }

    /** The manager the cache is set up on, as the {@code default} cache. */
    CacheManager manager() {
        return manager;
    }

    /** The URI the session was opened with, its user information masked: for what the command prints. */
    String uri() {
        return Secrets.redactUri(uri);
    }

    /** {@code true} for the in-memory backend, which lives and dies with this process. */
    boolean inProcess() {
        return cache.config().backend().equals("memory");
    }

    /** Waits for a cache operation; a failure becomes a backend error naming the URI. */
    <T> T await(CompletableFuture<T> operation) {
        try {
            return operation.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof UnsupportedOperationException) {
                throw CliException.usage(Secrets.redactUri(uri) + ": " + cause.getMessage(), cause);
            }
            throw backendFailure(uri, cause);
        }
    }

    @Override
    public void close() {
        closeQuietly(manager);
    }

    /** Shuts the manager down; a backend that is already gone cannot fail the command at this point. */
    private static void closeQuietly(CacheManager manager) {
        try {
            manager.close();
        } catch (RuntimeException e) {
            // the command's outcome is decided; a failing disconnect only matters with --verbose logs
        }
    }
}
