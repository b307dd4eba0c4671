package io.zodiac.cache.cli;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.redis.RedisClientSettings;
import io.zodiac.cache.spi.Secrets;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a server counts about itself since it started, over every client and namespace: Redis
 * {@code INFO}, Memcached {@code stats}, read on a short-lived connection of their own, because no
 * cache API asks for them. Only the first server of a URI is asked (the master of a Sentinel setup,
 * the first seed of a cluster).
 *
 * @param server {@code host:port} of the server asked
 * @param software the server's name and version
 * @param hits reads that found their key
 * @param misses reads that did not
 * @param details further figures, labelled, in display order
 */
record ServerStats(String server, String software, long hits, long misses, Map<String, String> details) {

    /** The hit ratio over every read the server answered, or -1 when it answered none. */
    double hitRatio() {
        return hits + misses == 0 ? -1 : hits / (double) (hits + misses);
    }

    /**
     * Asks the server of a cache configuration: Redis through Lettuce, with the URI, credentials and
     * TLS trust ({@code ca_cert}, {@code truststore}, {@code verify_peer}) the backend uses;
     * Memcached over its text protocol.
     *
     * @throws UnsupportedOperationException for other backends
     * @throws IOException when the server cannot be asked
     */
    static ServerStats read(CacheConfig config, Duration timeout) throws IOException {
        return switch (config.backend()) {
            case "redis" -> redis(RedisClientSettings.from(config), timeout);
            case "memcached" -> memcached(URI.create(String.valueOf(config.option("uri"))), timeout);
            default -> throw new UnsupportedOperationException("not available for the " + config.backend() + " backend");
        };
    }

    private static ServerStats redis(RedisClientSettings settings, Duration timeout) {
        RedisURI target = settings.uri();
        RedisClient client = RedisClient.create();
        client.setOptions(settings.clientOptions());
        Map<String, String> info = new HashMap<>();
        try (StatefulRedisConnection<String, String> connection = client.connect(target)) {
            connection.setTimeout(timeout);
            for (String line : connection.sync().info().split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    info.put(line.substring(0, colon), line.substring(colon + 1));
                }
            }
        } finally {
            client.shutdown();
        }
        Map<String, String> details = new LinkedHashMap<>();
        info.keySet().stream().filter(key -> key.matches("db\\d+")).sorted()
                .forEach(db -> details.put("keys in " + db, info.get(db)));
        details.put("memory used", info.getOrDefault("used_memory_human", "?"));
        details.put("evicted / expired keys", info.getOrDefault("evicted_keys", "?") + " / "
                + info.getOrDefault("expired_keys", "?"));
        details.put("connected clients", info.getOrDefault("connected_clients", "?"));
        details.put("uptime", info.getOrDefault("uptime_in_seconds", "?") + " s");
        String server = target.getHost() != null ? new Address(target.getHost(), target.getPort()).toString()
                : settings.toString();
        return new ServerStats(server, "redis " + info.getOrDefault("redis_version", "?"),
                number(info, "keyspace_hits"), number(info, "keyspace_misses"), details);
    }

    private static ServerStats memcached(URI uri, Duration timeout) throws IOException {
        Address address = Address.first(uri, 11211);
        Map<String, String> stats = new HashMap<>();
        try (Socket socket = connect(address, timeout)) {
            socket.getOutputStream().write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (String line = readLine(in); !line.equals("END"); line = readLine(in)) {
                String[] words = line.split(" ", 3);
                if (words.length < 3 || !words[0].equals("STAT")) {
                    throw new IOException("memcached answered stats with '" + line + "'");
                }
                stats.put(words[1], words[2]);
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("items", stats.getOrDefault("curr_items", "?"));
        details.put("bytes used", stats.getOrDefault("bytes", "?"));
        details.put("evictions", stats.getOrDefault("evictions", "?"));
        details.put("connected clients", stats.getOrDefault("curr_connections", "?"));
        details.put("uptime", stats.getOrDefault("uptime", "?") + " s");
        return new ServerStats(address.toString(), "memcached " + stats.getOrDefault("version", "?"),
                number(stats, "get_hits"), number(stats, "get_misses"), details);
    }

    /** The first {@code host:port} of a URI's authority, which may list several. */
    private record Address(String host, int port) {

        static Address first(URI uri, int defaultPort) {
            String authority = uri.getRawAuthority();
            if (authority == null || authority.isEmpty()) {
                throw new IllegalArgumentException("'" + Secrets.redactUri(uri.toString()) + "' names no host");
            }
            String hostPort = authority.substring(authority.lastIndexOf('@') + 1).split(",")[0];
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0 || hostPort.endsWith("]")) {
                return new Address(unbracket(hostPort), defaultPort);
            }
            return new Address(unbracket(hostPort.substring(0, colon)), Integer.parseInt(hostPort.substring(colon + 1)));
        }

        private static String unbracket(String host) {
            return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private static Socket connect(Address address, Duration timeout) throws IOException {
        int millis = (int) timeout.toMillis();
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(address.host(), address.port()), millis);
            socket.setSoTimeout(millis);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A line up to CRLF, without it. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the server closed the connection");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static long number(Map<String, String> values, String key) {
        try {
            return Long.parseLong(values.getOrDefault(key, "0").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
