package io.zodiac.cache.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.StaticCredentialsProvider;
import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.spi.BackendOption;
import io.zodiac.cache.spi.Secrets;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The Redis options of one cache, checked and turned into Lettuce terms: the URIs to connect to
 * (one node or Sentinel setup, or the seeds of a cluster), the TLS trust material and the connect
 * timeout. Every problem is an {@link IllegalArgumentException} naming the option.
 */
final class RedisSettings {

    private static final int DEFAULT_PORT = 6379;

    static final BackendOption<String> ENDPOINT = BackendOption.string("endpoint");
    static final BackendOption<Integer> PORT = BackendOption.port("port", DEFAULT_PORT);
    static final BackendOption<Integer> DB = BackendOption.integer("db", 0, 0, Integer.MAX_VALUE);
    static final BackendOption<String> USERNAME = BackendOption.string("username");
    static final BackendOption<String> PASSWORD = BackendOption.string("password");
    static final BackendOption<Boolean> SSL = BackendOption.bool("ssl", false);
    static final BackendOption<String> URI_OPTION = BackendOption.string("uri");
    static final BackendOption<List<String>> CLUSTER = BackendOption.list("cluster");
    static final BackendOption<String> CA_CERT = BackendOption.string("ca_cert");
    static final BackendOption<String> TRUSTSTORE = BackendOption.string("truststore");
    static final BackendOption<String> TRUSTSTORE_PASSWORD = BackendOption.string("truststore_password");
    static final BackendOption<Boolean> VERIFY_PEER = BackendOption.bool("verify_peer", true);
    /** How long each connection attempt may take, first ones and reconnects (10 s, Lettuce's own default). */
    static final BackendOption<Duration> CONNECT_TIMEOUT = BackendOption.CONNECT_TIMEOUT;

    /** The names of the options above: what the redis backend accepts. */
    static final Set<String> OPTIONS = BackendOption.names(ENDPOINT, PORT, DB, USERNAME, PASSWORD, SSL, URI_OPTION,
            CLUSTER, CA_CERT, TRUSTSTORE, TRUSTSTORE_PASSWORD, VERIFY_PEER, CONNECT_TIMEOUT);

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
        Duration connectTimeout = CONNECT_TIMEOUT.from(config);
        boolean hasUri = URI_OPTION.isSet(config);
        boolean hasCluster = CLUSTER.isSet(config);
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
        boolean verifyGiven = VERIFY_PEER.isSet(config);
        if (verifyGiven && !tls) {
            throw needsTls(VERIFY_PEER.name());
        }
        SslVerifyMode verify = VERIFY_PEER.from(config) ? SslVerifyMode.FULL : SslVerifyMode.NONE;
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
        String endpoint = ENDPOINT.from(config);
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("option 'endpoint' is required for the redis backend (or give 'uri' or "
                    + "'cluster'), e.g. .option(\"endpoint\", \"127.0.0.1\")");
        }
        RedisURI.Builder builder = RedisURI.builder()
                .withHost(endpoint.trim())
                .withPort(PORT.from(config))
                .withDatabase(DB.from(config))
                .withSsl(SSL.from(config));
        RedisURI uri = builder.build();
        credentials(config, uri);
        return uri;
    }

    private static RedisURI fromUri(CacheConfig config) {
        for (BackendOption<?> option : List.of(ENDPOINT, PORT, DB)) {
            if (option.isSet(config)) {
                throw conflict(option.name(), "uri");
            }
        }
        String text = URI_OPTION.from(config).trim();
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
            throw new IllegalArgumentException("option 'uri' is not a valid Redis URI ('" + Secrets.redactUri(text)
                    + "'): " + reason(e));
        }
        boolean sentinel = !uri.getSentinels().isEmpty();
        if (!sentinel && uri.getSocket() == null && hostless) {
            throw new IllegalArgumentException("option 'uri' has no host: '" + Secrets.redactUri(text) + "'");
        }
        if (SSL.isSet(config) && SSL.from(config) != uri.isSsl()) {
            throw new IllegalArgumentException("option 'ssl' conflicts with option 'uri': use a rediss:// URI for TLS, "
                    + "a redis:// URI without");
        }
        if ((USERNAME.isSet(config) || PASSWORD.isSet(config)) && credentials(uri).hasPassword()) {
            throw new IllegalArgumentException("options 'username'/'password' conflict with the credentials in option "
                    + "'uri': give them in one place");
        }
        credentials(config, uri);
        return uri;
    }

    private static List<RedisURI> clusterSeeds(CacheConfig config) {
        for (BackendOption<?> option : List.of(ENDPOINT, PORT)) {
            if (option.isSet(config)) {
                throw conflict(option.name(), "cluster");
            }
        }
        if (DB.from(config) != 0) {
            throw new IllegalArgumentException("option 'db' must be 0 with 'cluster': Redis Cluster has database 0 only");
        }
        boolean ssl = SSL.from(config);
        List<RedisURI> seeds = new ArrayList<>();
        for (String item : CLUSTER.from(config)) {
            String seed = item.trim();
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
                throw new IllegalArgumentException("option 'cluster': '" + Secrets.redactUri(seed)
                        + "' is not a valid Redis URI: " + reason(e));
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
            throw new IllegalArgumentException("option 'cluster': '" + Secrets.redactUri(seed) + "' is not host:port");
        }
        return RedisURI.create(host, port);
    }

    private static void credentials(CacheConfig config, RedisURI uri) {
        String password = PASSWORD.from(config);
        String username = USERNAME.from(config);
        if (username != null && password == null) {
            throw new IllegalArgumentException("option 'username' needs option 'password'");
        }
        if (password == null) {
            return;
        }
        uri.setCredentialsProvider(new StaticCredentialsProvider(username,
                password.toCharArray()));
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
        String caCert = CA_CERT.from(config);
        String truststore = TRUSTSTORE.from(config);
        String truststorePassword = TRUSTSTORE_PASSWORD.from(config);
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
        File file = new File(caCert != null ? caCert : truststore);
        if (!file.isFile()) {
            throw new IllegalArgumentException("option '" + option + "': no such file " + file);
        }
        SslOptions.Builder builder = SslOptions.builder().jdkSslProvider();
        if (caCert != null) {
            builder.trustManager(file);
        } else {
            builder.truststore(file, truststorePassword);
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

    /**
     * Why Lettuce refused a URI, with any user information it repeats masked; the exception itself
     * is not kept as a cause, since its message may hold the password.
     */
    private static String reason(RuntimeException error) {
        return Secrets.redactUri(String.valueOf(error.getMessage()));
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

    /** How long each connection attempt (the first ones and reconnects) may take. */
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

    /**
     * The credentials of {@code uri} as a SHA-256 digest: equal credentials give equal keys, and
     * the key, which names a shared resource in log messages, never holds a password.
     */
    private static String secret(RedisURI uri) {
        RedisCredentials credentials = credentials(uri);
        String password = credentials.hasPassword() ? new String(credentials.getPassword()) : null;
        String plain = credentials.getUsername() + ":" + (password == null ? "" : password.length() + ":" + password);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(plain.getBytes(StandardCharsets.UTF_8));
            return "credentials=" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Sets what every client of these settings connects with, the backend's and the CLI's alike:
     * the connect timeout, TCP keep-alive, and the configured TLS trust.
     */
    <B extends ClientOptions.Builder> B connectionOptions(B builder) {
        builder.socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build());
        if (sslOptions != null) {
            builder.sslOptions(sslOptions);
        }
        return builder;
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
