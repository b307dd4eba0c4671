package io.zodiac.cache.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.StaticCredentialsProvider;
import io.zodiac.cache.CacheConfig;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The Redis options of one cache, checked and turned into Lettuce terms: the URIs to connect to
 * (one node or Sentinel setup, or the seeds of a cluster), the TLS trust material and the connect
 * timeout. Every problem is an {@link IllegalArgumentException} naming the option.
 */
final class RedisSettings {

    /** Connect timeout when the {@code timeout} option is absent (Lettuce's own default). */
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private static final int DEFAULT_PORT = 6379;

    private final List<RedisURI> uris;
    private final boolean cluster;
    private final SslOptions sslOptions;
    private final Duration connectTimeout;
    /** Where the TLS trust material comes from: {@code ca_cert}, {@code truststore} and its password, or nothing. */
    private final List<Object> trust;

    private RedisSettings(List<RedisURI> uris, boolean cluster, SslOptions sslOptions, Duration connectTimeout,
            List<Object> trust) {
        this.uris = List.copyOf(uris);
        this.cluster = cluster;
        this.sslOptions = sslOptions;
        this.connectTimeout = connectTimeout;
        this.trust = trust;
    }

    /**
     * Reads the options of {@code config}.
     *
     * @throws IllegalArgumentException naming the option that is missing, malformed or in conflict
     */
    static RedisSettings from(CacheConfig config) {
        Duration connectTimeout = config.durationOption("timeout", DEFAULT_CONNECT_TIMEOUT);
        if (connectTimeout.isZero()) {
            throw new IllegalArgumentException("option 'timeout' must be positive, got " + config.option("timeout"));
        }
        boolean hasUri = config.option("uri") != null;
        boolean hasCluster = config.option("cluster") != null;
        if (hasUri && hasCluster) {
            throw conflict("cluster", "uri");
        }
        List<RedisURI> uris;
        if (hasCluster) {
            uris = clusterSeeds(config);
        } else if (hasUri) {
            uris = List.of(fromUri(config));
        } else {
            uris = List.of(fromEndpoint(config));
        }
        boolean tls = uris.get(0).isSsl();
        SslOptions sslOptions = sslOptions(config, tls);
        boolean verifyGiven = config.option("verify_peer") != null;
        if (verifyGiven && !tls) {
            throw needsTls("verify_peer");
        }
        SslVerifyMode verify = config.booleanOption("verify_peer", true) ? SslVerifyMode.FULL : SslVerifyMode.NONE;
        for (RedisURI uri : uris) {
            uri.setTimeout(connectTimeout);
            if (verifyGiven) {
                uri.setVerifyPeer(verify);
            }
        }
        List<Object> trust = Arrays.asList(config.option("ca_cert"), config.option("truststore"),
                config.option("truststore_password"));
        return new RedisSettings(uris, hasCluster, sslOptions, connectTimeout, trust);
    }

    private static RedisURI fromEndpoint(CacheConfig config) {
        Object endpoint = config.option("endpoint");
        if (endpoint == null || endpoint.toString().isBlank()) {
            throw new IllegalArgumentException("option 'endpoint' is required for the redis backend (or give 'uri' or "
                    + "'cluster'), e.g. .option(\"endpoint\", \"127.0.0.1\")");
        }
        RedisURI.Builder builder = RedisURI.builder()
                .withHost(endpoint.toString().trim())
                .withPort(config.portOption(DEFAULT_PORT))
                .withDatabase(database(config))
                .withSsl(config.booleanOption("ssl", false));
        RedisURI uri = builder.build();
        credentials(config, uri);
        return uri;
    }

    private static RedisURI fromUri(CacheConfig config) {
        for (String option : List.of("endpoint", "port", "db")) {
            if (config.option(option) != null) {
                throw conflict(option, "uri");
            }
        }
        String text = config.option("uri").toString().trim();
        if (text.contains("-sentinel://") && (!text.contains("#") || text.endsWith("#"))) {
            throw new IllegalArgumentException("option 'uri': a redis-sentinel:// URI needs the master's name after "
                    + "'#', e.g. redis-sentinel://127.0.0.1:26379#mymaster");
        }
        RedisURI uri;
        boolean hostless;
        try {
            uri = RedisURI.create(text);
            hostless = URI.create(text).getHost() == null;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("option 'uri' is not a valid Redis URI ('" + redacted(text) + "'): "
                    + e.getMessage(), e);
        }
        boolean sentinel = !uri.getSentinels().isEmpty();
        if (!sentinel && uri.getSocket() == null && hostless) {
            throw new IllegalArgumentException("option 'uri' has no host: '" + redacted(text) + "'");
        }
        Object ssl = config.option("ssl");
        if (ssl != null && config.booleanOption("ssl", false) != uri.isSsl()) {
            throw new IllegalArgumentException("option 'ssl' conflicts with option 'uri': use a rediss:// URI for TLS, "
                    + "a redis:// URI without");
        }
        if ((config.option("username") != null || config.option("password") != null)
                && credentials(uri).hasPassword()) {
            throw new IllegalArgumentException("options 'username'/'password' conflict with the credentials in option "
                    + "'uri': give them in one place");
        }
        credentials(config, uri);
        return uri;
    }

    private static List<RedisURI> clusterSeeds(CacheConfig config) {
        for (String option : List.of("endpoint", "port")) {
            if (config.option(option) != null) {
                throw conflict(option, "cluster");
            }
        }
        if (database(config) != 0) {
            throw new IllegalArgumentException("option 'db' must be 0 with 'cluster': Redis Cluster has database 0 only");
        }
        Object value = config.option("cluster");
        Collection<?> items = value instanceof Collection<?> c ? c : List.of(value.toString().split(","));
        boolean ssl = config.booleanOption("ssl", false);
        List<RedisURI> seeds = new ArrayList<>();
        for (Object item : items) {
            String seed = String.valueOf(item).trim();
            if (!seed.isEmpty()) {
                RedisURI uri = seed(seed);
                uri.setSsl(uri.isSsl() || ssl);
                credentials(config, uri);
                seeds.add(uri);
            }
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("option 'cluster' lists no node: give host:port seeds, e.g. "
                    + "\"10.0.0.1:7000,10.0.0.2:7000\"");
        }
        return seeds;
    }

    private static RedisURI seed(String seed) {
        if (seed.contains("://")) {
            try {
                return RedisURI.create(seed);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("option 'cluster': '" + redacted(seed) + "' is not a valid Redis URI: "
                        + e.getMessage(), e);
            }
        }
        int colon = seed.lastIndexOf(':');
        String host = colon < 0 ? seed : seed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = colon < 0 ? DEFAULT_PORT : Integer.parseInt(seed.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("option 'cluster': '" + seed + "' is not host:port");
        }
        return RedisURI.create(host, port);
    }

    private static int database(CacheConfig config) {
        int db = config.intOption("db", 0);
        if (db < 0) {
            throw new IllegalArgumentException("option 'db' must not be negative, got " + db);
        }
        return db;
    }

    private static void credentials(CacheConfig config, RedisURI uri) {
        Object password = config.option("password");
        Object username = config.option("username");
        if (username != null && password == null) {
            throw new IllegalArgumentException("option 'username' needs option 'password'");
        }
        if (password == null) {
            return;
        }
        uri.setCredentialsProvider(new StaticCredentialsProvider(username == null ? null : username.toString(),
                password.toString().toCharArray()));
    }

    /** The user name and password of {@code uri} (both {@code null} when it has none). */
    static RedisCredentials credentials(RedisURI uri) {
        RedisCredentialsProvider provider = uri.getCredentialsProvider();
        if (provider instanceof RedisCredentialsProvider.ImmediateRedisCredentialsProvider immediate) {
            return immediate.resolveCredentialsNow();
        }
        // the providers of parsed URIs answer at once (Mono.just), as in Lettuce's own RedisURI.toString
        return provider.resolveCredentials().toFuture().join();
    }

    private static SslOptions sslOptions(CacheConfig config, boolean tls) {
        Object caCert = config.option("ca_cert");
        Object truststore = config.option("truststore");
        Object truststorePassword = config.option("truststore_password");
        if (caCert != null && truststore != null) {
            throw conflict("ca_cert", "truststore");
        }
        if (truststorePassword != null && truststore == null) {
            throw new IllegalArgumentException("option 'truststore_password' needs option 'truststore'");
        }
        if (caCert == null && truststore == null) {
            return null;
        }
        String option = caCert != null ? "ca_cert" : "truststore";
        if (!tls) {
            throw needsTls(option);
        }
        File file = new File((caCert != null ? caCert : truststore).toString());
        if (!file.isFile()) {
            throw new IllegalArgumentException("option '" + option + "': no such file " + file);
        }
        SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
        if (caCert != null) {
            builder.trustManager(file);
        } else {
            builder.truststore(file, truststorePassword == null ? null : truststorePassword.toString());
        }
        return builder.build();
    }

    private static IllegalArgumentException conflict(String option, String other) {
        return new IllegalArgumentException("option '" + option + "' conflicts with option '" + other
                + "': give the server in one place");
    }

    private static IllegalArgumentException needsTls(String option) {
        return new IllegalArgumentException("option '" + option + "' needs TLS: set option 'ssl' to true or use a "
                + "rediss:// uri");
    }

    private static String redacted(String uri) {
        int at = uri.lastIndexOf('@');
        int scheme = uri.indexOf("://");
        return at > scheme && scheme >= 0 ? uri.substring(0, scheme + 3) + "******" + uri.substring(at) : uri;
    }

    /** One URI (a node, or a Sentinel setup), or the seeds of a cluster. */
    List<RedisURI> uris() {
        return uris;
    }

    /** {@code true} for a Redis Cluster connection. */
    boolean cluster() {
        return cluster;
    }

    /** The TLS trust material, or {@code null} for the JDK's default trust store (or no TLS). */
    SslOptions sslOptions() {
        return sslOptions;
    }

    /** How long connecting (at setup and on reconnects) may take. */
    Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * What makes two caches' connections interchangeable: the URIs (host and port or socket,
     * database, TLS and peer verification, client name and timeout, Sentinels and master), their
     * credentials and those of the Sentinels, the TLS trust material and the connect timeout. Holds
     * the password: never logged nor shown.
     */
    String endpointKey() {
        StringBuilder key = new StringBuilder(cluster ? "cluster" : "node");
        for (RedisURI uri : uris) {
            key.append('|').append(address(uri)).append(" db=").append(uri.getDatabase())
                    .append(" tls=").append(uri.isSsl()).append('/').append(uri.isStartTls()).append('/')
                    .append(uri.getVerifyMode()).append(" name=").append(uri.getClientName())
                    .append(" timeout=").append(uri.getTimeout()).append(' ').append(secret(uri));
            for (RedisURI sentinel : uri.getSentinels()) {
                key.append(" sentinel=").append(address(sentinel)).append(' ').append(secret(sentinel));
            }
            key.append(" master=").append(uri.getSentinelMasterId());
        }
        return key.append("|trust=").append(trust).append("|connect=").append(connectTimeout).toString();
    }

    private static String address(RedisURI uri) {
        return uri.getSocket() != null ? "socket:" + uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    }

    private static String secret(RedisURI uri) {
        RedisCredentials credentials = credentials(uri);
        String password = credentials.hasPassword() ? new String(credentials.getPassword()) : null;
        return credentials.getUsername() + ":" + (password == null ? "" : password.length() + ":" + password);
    }

    /** Where the cache connects, without credentials: for messages. */
    String describe() {
        RedisURI first = uris.get(0);
        if (cluster) {
            List<String> seeds = new ArrayList<>();
            for (RedisURI uri : uris) {
                seeds.add(uri.getHost() + ":" + uri.getPort());
            }
            return "cluster " + seeds;
        }
        if (!first.getSentinels().isEmpty()) {
            List<String> sentinels = new ArrayList<>();
            for (RedisURI sentinel : first.getSentinels()) {
                sentinels.add(sentinel.getHost() + ":" + sentinel.getPort());
            }
            return "master '" + first.getSentinelMasterId() + "' of sentinels " + sentinels;
        }
        String where = first.getSocket() != null ? first.getSocket() : first.getHost() + ":" + first.getPort();
        return (first.isSsl() ? "rediss://" : "redis://") + where + "/" + first.getDatabase()
                + (credentials(first).hasUsername() ? " as user '" + credentials(first).getUsername() + "'" : "");
    }

    @Override
    public String toString() {
        return describe();
    }
}
