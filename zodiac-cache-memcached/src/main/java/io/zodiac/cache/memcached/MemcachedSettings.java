package io.zodiac.cache.memcached;

import io.zodiac.cache.CacheConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The connection settings of the memcached backend, read and checked from a cache's options.
 * Every error is an {@link IllegalArgumentException} naming the option.
 *
 * @param servers the servers, in the order given (keys are spread over several by consistent hashing)
 * @param connections connections to each server
 * @param timeout how long a connection may take to open, or to answer a request, before it is
 *     considered dead and opened again
 */
record MemcachedSettings(List<Server> servers, int connections, Duration timeout) {

    static final int DEFAULT_PORT = 11211;
    private static final String SCHEME = "memcached://";

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
        Duration timeout = config.durationOption("timeout", config.operationTimeout());
        if (timeout.isZero()) {
            throw new IllegalArgumentException("option 'timeout' must be positive, got " + config.option("timeout"));
        }
        return new MemcachedSettings(servers(config), connections(config), timeout);
    }

    /** The name under which the caches of one manager that have these settings share a client. */
    String resourceName() {
        return "memcached " + servers + " connections=" + connections + " timeout=" + timeout;
    }

    private static List<Server> servers(CacheConfig config) {
        Object uri = config.option("uri");
        Object servers = config.option("servers");
        Object endpoint = config.option("endpoint");
        int given = (uri != null ? 1 : 0) + (servers != null ? 1 : 0) + (endpoint != null ? 1 : 0);
        if (given == 0) {
            throw new IllegalArgumentException("option 'endpoint' is missing: give 'endpoint' (and 'port'), "
                    + "'servers' (host:port entries) or a memcached://host:port uri");
        }
        if (given > 1) {
            throw new IllegalArgumentException("give only one of the options 'uri', 'servers' and 'endpoint'");
        }
        if (endpoint == null && config.option("port") != null) {
            throw new IllegalArgumentException("option 'port' goes with 'endpoint'; with 'uri' or 'servers' "
                    + "give the port in each host:port entry");
        }
        if (uri != null) {
            return fromUri(uri.toString());
        }
        if (servers != null) {
            return fromList("servers", servers);
        }
        String host = endpoint.toString().trim();
        boolean ipv6 = host.indexOf(':') != host.lastIndexOf(':');
        if (host.isEmpty() || (host.indexOf(':') >= 0 && !ipv6)
                || host.chars().anyMatch(c -> c <= ' ' || c == ',' || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("option 'endpoint' must be a host name or address (the port goes in "
                    + "option 'port'), got '" + endpoint + "'");
        }
        return List.of(new Server(host, config.portOption(DEFAULT_PORT)));
    }

    private static List<Server> fromUri(String uri) {
        if (!uri.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            throw new IllegalArgumentException("option 'uri' must start with " + SCHEME + ", got '" + uri + "'");
        }
        String authority = uri.substring(SCHEME.length());
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.isEmpty() || authority.chars().anyMatch(c -> c == '/' || c == '?' || c == '#' || c == '@')) {
            throw new IllegalArgumentException("option 'uri' must be memcached://host:port[,host:port...] "
                    + "(no path, query or user), got '" + uri + "'");
        }
        return fromList("uri", authority);
    }

    private static List<Server> fromList(String option, Object value) {
        List<String> entries = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            items.forEach(item -> entries.add(String.valueOf(item)));
        } else {
            entries.addAll(List.of(value.toString().split(",", -1)));
        }
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
                throw new IllegalArgumentException("option '" + option + "': '" + entry + "' is not host:port "
                        + "(write an IPv6 address in brackets: [::1]:11211)");
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
        return new IllegalArgumentException("option '" + option + "': '" + entry + "' is not host:port");
    }

    private static int connections(CacheConfig config) {
        if (config.option("connections") != null && config.option("pool_size") != null) {
            throw new IllegalArgumentException("give either option 'connections' or its alias 'pool_size', not both");
        }
        String option = config.option("pool_size") != null ? "pool_size" : "connections";
        int connections = config.intOption(option, 1);
        if (connections < 1) {
            throw new IllegalArgumentException("option '" + option + "' must be at least 1, got " + connections);
        }
        return connections;
    }
}
