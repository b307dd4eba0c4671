package io.zodiac.cache.cli;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.plugin.CachePlugin;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --backend}, {@code --namespace} and {@code --option} of the inspection commands, and the
 * session they open. Values are read and written as raw bytes, so that any serializer's values can
 * be shown.
 */
final class BackendOptions {

    static final String BACKEND_VARIABLE = "ZODIAC_CACHE_BACKEND";
    static final String NAMESPACE_VARIABLE = "ZODIAC_CACHE_NAMESPACE";

    @Option(names = "--backend", paramLabel = "URI", defaultValue = "${env:" + BACKEND_VARIABLE + "}",
            description = "The server: redis://HOST:PORT[/DB] or memcached://HOST:PORT "
                    + "(default: the environment variable " + BACKEND_VARIABLE + ").")
    private String backend;

    @Option(names = {"-n", "--namespace"}, paramLabel = "PREFIX", defaultValue = "${env:" + NAMESPACE_VARIABLE + "}",
            description = "The prefix the application gives CacheManager.setup: the keys live under zodiac_cache:PREFIX "
                    + "(default: the environment variable " + NAMESPACE_VARIABLE + ").")
    private String namespace;

    @Option(names = {"-o", "--option"}, paramLabel = "KEY=VALUE",
            description = "A backend option, as the application gives it to CacheConfig (repeatable), e.g. "
                    + "ca_cert=/etc/redis/ca.crt, truststore=FILE, truststore_password=SECRET, verify_peer=false, "
                    + "username=NAME, password=SECRET.")
    private Map<String, String> options = new LinkedHashMap<>();

    /** The namespace the keys live under, {@code zodiac_cache:PREFIX}. */
    String namespace() {
        return CacheManager.ZODIAC_CACHE_NAMESPACE + ":" + prefix();
    }

    private String prefix() {
        return prefixOf(namespace);
    }

    /** The prefix in a {@code --namespace} value, which may be given whole ({@code zodiac_cache:PREFIX}). */
    static String prefixOf(String namespace) {
        String given = namespace == null ? "" : namespace.strip();
        String full = CacheManager.ZODIAC_CACHE_NAMESPACE + ":";
        return given.startsWith(full) ? given.substring(full.length()) : given;
    }

    /** Opens the cache, with {@code plugins}; refuses a missing backend or namespace, and the in-memory backend. */
    CacheSession open(CachePlugin... plugins) {
        if (backend == null || backend.isBlank()) {
            throw CliException.usage("no backend: pass --backend redis://HOST:PORT or memcached://HOST:PORT, or set "
                    + BACKEND_VARIABLE);
        }
        if (prefix().isEmpty()) {
            throw CliException.usage("no namespace: pass --namespace PREFIX, the prefix your application gives "
                    + "CacheManager.setup (its keys live under zodiac_cache:PREFIX), or set " + NAMESPACE_VARIABLE);
        }
        CacheSession session = CacheSession.open(backend.strip(), prefix(),
                builder -> {
                    options.forEach(builder::option);
                    return builder.serializer("bytes").plugins(plugins);
                });
        if (session.inProcess()) {
            session.close();
            throw CliException.usage("--backend " + backend + ": the in-memory cache lives inside one process, there is "
                    + "nothing to inspect from outside; pass a server: redis://HOST:PORT or memcached://HOST:PORT");
        }
        return session;
    }
}
