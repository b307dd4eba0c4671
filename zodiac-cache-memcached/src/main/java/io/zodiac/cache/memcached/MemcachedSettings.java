package io.zodiac.cache.memcached;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.spi.BackendOption;
import io.zodiac.cache.spi.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The connection settings of the memcached backend, read and checked from a cache's options.
 * Every error is an {@link IllegalArgumentException} naming the option.
 *
 * @param servers the servers, in the order given (keys are spread over several by consistent hashing)
 * @param connections connections to each server
 * @param connectTimeout how long calls wait for every server to be connected before the cache works
 *     with those that are (option {@code connect_timeout}; setup does not wait)
 * @param requestTimeout how long a request may wait for its answer before its connection is
 *     considered dead and opened again: the cache's operation timeout
 */
record MemcachedSettings(List<Server> servers, int connections, Duration connectTimeout, Duration requestTimeout) {

    static final int DEFAULT_PORT = 11211;
    private static final String SCHEME = "memcached://";

    static final BackendOption<String> URI = BackendOption.string("uri");
    static final BackendOption<List<String>> SERVERS = BackendOption.list("servers");
    static final BackendOption<String> ENDPOINT = BackendOption.string("endpoint");
    static final BackendOption<Integer> PORT = BackendOption.port("port", DEFAULT_PORT);
    static final BackendOption<Integer> CONNECTIONS = BackendOption.integer("connections", 1, 1, Integer.MAX_VALUE);
    /** aiocache's name of {@link #CONNECTIONS}. */
    static final BackendOption<Integer> POOL_SIZE = BackendOption.integer("pool_size", 1, 1, Integer.MAX_VALUE);
    static final BackendOption<Duration> CONNECT_TIMEOUT = BackendOption.CONNECT_TIMEOUT;

    /** The names of the options above: what the memcached backend accepts. */
    static final Set<String> OPTIONS = BackendOption.names(URI, SERVERS, ENDPOINT, PORT, CONNECTIONS, POOL_SIZE,
            CONNECT_TIMEOUT);

    /** One memcached server. */
    record Server(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    MemcachedSettings {
        servers = List.copyOf(servers);
    }

    /** The settings of {@code config}'s options. */
    static MemcachedSettings from(CacheConfig config) {
        return new MemcachedSettings(servers(config), connections(config), CONNECT_TIMEOUT.from(config),
                config.operationTimeout());
    }

    /** The name under which the caches of one manager that have these settings share a client. */
    String resourceName() {
        return "memcached " + servers + " connections=" + connections + " connect_timeout=" + connectTimeout
                + " request_timeout=" + requestTimeout;
    }

    private static List<Server> servers(CacheConfig config) {
        String uri = URI.from(config);
        boolean servers = SERVERS.isSet(config);
        String endpoint = ENDPOINT.from(config);
        int given = (uri != null ? 1 : 0) + (servers ? 1 : 0) + (endpoint != null ? 1 : 0);
        if (given == 0) {
            throw new IllegalArgumentException("option 'endpoint' is missing: give 'endpoint' (and 'port'), "
                    + "'servers' (host:port entries) or a memcached://host:port uri");
        }
        if (given > 1) {
            throw new IllegalArgumentException("give only one of the options 'uri', 'servers' and 'endpoint'");
        }
        if (endpoint == null && PORT.isSet(config)) {
            throw new IllegalArgumentException("option 'port' goes with 'endpoint'; with 'uri' or 'servers' "
                    + "give the port in each host:port entry");
        }
        if (uri != null) {
            return fromUri(uri);
        }
        if (servers) {
            return fromList(SERVERS.name(), SERVERS.from(config));
        }
        String host = endpoint.trim();
        boolean ipv6 = host.indexOf(':') != host.lastIndexOf(':');
        if (host.isEmpty() || (host.indexOf(':') >= 0 && !ipv6)
                || host.chars().anyMatch(c -> c <= ' ' || c == ',' || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("option 'endpoint' must be a host name or address (the port goes in "
                    + "option 'port'), got '" + Secrets.redactUri(endpoint) + "'");
        }
        return List.of(new Server(host, PORT.from(config)));
    }

    private static List<Server> fromUri(String uri) {
        if (!uri.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            throw new IllegalArgumentException("option 'uri' must start with " + SCHEME + ", got '"
                    + Secrets.redactUri(uri) + "'");
        }
        String authority = uri.substring(SCHEME.length());
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.isEmpty() || authority.chars().anyMatch(c -> c == '/' || c == '?' || c == '#' || c == '@')) {
            throw new IllegalArgumentException("option 'uri' must be memcached://host:port[,host:port...] "
                    + "(no path, query or user), got '" + Secrets.redactUri(uri) + "'");
        }
        return fromList(URI.name(), List.of(authority.split(",", -1)));
    }

    private static List<Server> fromList(String option, List<String> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("option '" + option + "' lists no server");
        }
        List<Server> servers = new ArrayList<>(entries.size());
        for (String entry : entries) {
            servers.add(parse(option, entry));
        }
        return servers;
    }

    /** {@code host}, {@code host:port}, {@code [v6 address]} or {@code [v6 address]:port}. */
    private static Server parse(String option, String entry) {
        String text = entry.trim();
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            String rest = end < 0 ? "" : text.substring(end + 1);
            if (end < 0 || !(rest.isEmpty() || rest.startsWith(":"))) {
                throw notHostPort(option, entry);
            }
            host = text.substring(1, end);
            port = rest.isEmpty() ? null : rest.substring(1);
        } else if (text.indexOf(':') >= 0) {
            if (text.indexOf(':') != text.lastIndexOf(':')) {
                throw new IllegalArgumentException(notHostPort(option, entry).getMessage()
                        + " (write an IPv6 address in brackets: [::1]:11211)");
            }
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
            throw notHostPort(option, entry);
        }
        return new Server(host, port == null ? DEFAULT_PORT : port(option, entry, port));
    }

    private static int port(String option, String entry, String port) {
        int value;
        try {
            value = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("option '" + option + "': the port of '" + entry
                    + "' must be between 1 and 65535");
        }
        return value;
    }

    private static IllegalArgumentException notHostPort(String option, String entry) {
        return new IllegalArgumentException("option '" + option + "': '" + Secrets.redactUri(entry) + "' is not host:port");
    }

    private static int connections(CacheConfig config) {
        if (CONNECTIONS.isSet(config) && POOL_SIZE.isSet(config)) {
            throw new IllegalArgumentException("give either option 'connections' or its alias 'pool_size', not both");
        }
        return (POOL_SIZE.isSet(config) ? POOL_SIZE : CONNECTIONS).from(config);
    }
}
