package io.zodiac.cache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLContext;

/**
 * A real {@code redis-server} process listening on a free port of 127.0.0.1, with its own temp directory
 * (config file, log file, TLS material), no persistence ({@code save ""}, {@code appendonly no}), replicas synced
 * without delay ({@code repl-diskless-sync-delay 0}) and {@code DEBUG} allowed from loopback (Redis 7+).
 *
 * <p>Start one with {@link #start()} or {@link #builder()}; stop it with {@link #close()} (or use
 * {@link RedisExtension}, which does both around a test class). The lifecycle and fault injection are
 * {@link LocalServer}'s: {@link #stop()} (SIGTERM), {@link #kill()} (SIGKILL), {@link #pause()} (SIGSTOP:
 * connections are accepted by the kernel but nothing is answered, so clients time out), {@link #resume()}
 * (SIGCONT) and {@link #restart()} (on the same port, with the same configuration and directory: a cluster node
 * keeps its node id).
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *     redis.command("SET", "k", "v");
 *     assertThat(redis.command("GET", "k")).isEqualTo("v");
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe. Every process is also killed, and its directory deleted, when the JVM exits.
 */
public final class RedisServer extends LocalServer {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** What kind of redis-server process this is. */
    enum Mode { STANDALONE, CLUSTER_NODE, SENTINEL }

    private final Builder spec;
    private final Path binary;
    private final TlsMaterial tls;
    private final Path configFile;

    private RedisServer(Builder spec, Path binary, Path directory, int port, TlsMaterial tls) {
        super(describe(spec, port), commandLine(spec, binary, configFile(spec, directory)), directory, "redis.log",
                port, spec.startupTimeout);
        this.spec = spec;
        this.binary = binary;
        this.tls = tls;
        this.configFile = configFile(spec, directory);
    }

    private static Path configFile(Builder spec, Path directory) {
        return directory.resolve(spec.mode == Mode.SENTINEL ? "sentinel.conf" : "redis.conf");
    }

    private static List<String> commandLine(Builder spec, Path binary, Path configFile) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), configFile.toString()));
        if (spec.mode == Mode.SENTINEL) {
            command.add("--sentinel");
        }
        return command;
    }

    /**
     * Starts a plain standalone node with the default configuration.
     *
     * @return the running server, answering PING
     * @throws IllegalStateException if redis-server is not installed or does not start (message includes the
     *     tail of its log)
     */
    public static RedisServer start() {
        return builder().start();
    }

    /**
     * Starts a standalone node with extra {@code redis.conf} lines (e.g. {@code "maxmemory 10mb"}), which are
     * appended after the kit's own lines and therefore win.
     *
     * @param extraConfigLines redis.conf directives, one per element
     * @return the running server
     */
    public static RedisServer start(String... extraConfigLines) {
        return builder().config(extraConfigLines).start();
    }

    /**
     * A builder for a customised node (TLS, ACL user, password, replica, extra config).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The connection URI in Lettuce form: {@code redis://127.0.0.1:PORT}, or {@code rediss://127.0.0.1:PORT}
     * for a TLS node. Credentials are not included, see {@link #uriWithCredentials()}.
     *
     * @return the URI
     */
    public String uri() {
        return scheme() + address();
    }

    /**
     * Like {@link #uri()} but with the node's credentials, e.g. {@code redis://alice:secret@127.0.0.1:PORT}
     * (or {@code redis://:password@...} when only {@code requirepass} is set); equal to {@link #uri()} when the
     * node has no credentials.
     *
     * @return the URI with URL-encoded credentials
     */
    public String uriWithCredentials() {
        String password = password();
        if (password == null) {
            return uri();
        }
        String user = spec.username == null ? "" : encode(spec.username);
        return scheme() + user + ":" + encode(password) + "@" + address();
    }

    /**
     * Whether this node only accepts TLS connections.
     *
     * @return true for a node built with {@link Builder#tls()}
     */
    public boolean isTls() {
        return tls != null;
    }

    /**
     * The PEM file of the generated CA that signed the server certificate (SAN IP:127.0.0.1, DNS:localhost).
     *
     * @return path of the CA certificate
     * @throws IllegalStateException if this is not a TLS node
     */
    public Path caCertificate() {
        return requireTls().caCertificate;
    }

    /**
     * A PKCS12 truststore file holding the generated CA, protected by {@link #truststorePassword()}.
     *
     * @return path of the truststore
     * @throws IllegalStateException if this is not a TLS node
     */
    public Path truststore() {
        return requireTls().truststore;
    }

    /**
     * The password of {@link #truststore()}.
     *
     * @return the password (a fixed, non-secret value)
     * @throws IllegalStateException if this is not a TLS node
     */
    public String truststorePassword() {
        requireTls();
        return TlsMaterial.TRUSTSTORE_PASSWORD;
    }

    /**
     * An {@link SSLContext} that trusts the generated CA, for raw {@code SSLSocket}s or client libraries.
     *
     * @return the context
     * @throws IllegalStateException if this is not a TLS node
     */
    public SSLContext sslContext() {
        return requireTls().sslContext;
    }

    /**
     * The ACL user configured with {@link Builder#user(String, String)}.
     *
     * @return the user name, or null if the node has no extra ACL user
     */
    public String username() {
        return spec.username;
    }

    /**
     * The password of {@link #username()}, or else the {@code requirepass} password of the default user.
     *
     * @return the password, or null if the node needs none
     */
    public String password() {
        return spec.username != null ? spec.userPassword : spec.requirePass;
    }

    /**
     * Runs one command on a fresh connection (TLS and AUTH as needed) with a 5 second timeout.
     * The reply is rendered as text: simple and bulk strings as they are, integers in decimal, arrays as their
     * elements joined by {@code '\n'}, nil as {@code null}. Examples: {@code command("PING")} returns
     * {@code "PONG"}, {@code command("DBSIZE")} returns {@code "0"}, {@code command("CLUSTER", "INFO")} returns
     * the info text.
     *
     * @param args the command and its arguments, e.g. {@code "SET", "key", "value"}
     * @return the rendered reply (null for nil)
     * @throws IllegalStateException with the error text (e.g. {@code "MOVED 866 127.0.0.1:7001"}) when the
     *     server answers with an error
     * @throws UncheckedIOException when the server cannot be reached or does not answer in time
     */
    public String command(String... args) {
        return command(COMMAND_TIMEOUT, args);
    }

    /**
     * Like {@link #command(String...)} with an explicit connect and read timeout, e.g. to observe a paused
     * server time out quickly.
     *
     * @param timeout bound for connecting and for reading the reply
     * @param args the command and its arguments
     * @return the rendered reply (null for nil)
     */
    public String command(Duration timeout, String... args) {
        Objects.requireNonNull(timeout, "timeout");
        if (args.length == 0) {
            throw new IllegalArgumentException("no command given");
        }
        try (Resp resp = Resp.connect(host(), port(), tls == null ? null : tls.sslContext, timeout)) {
            authenticate(resp);
            return Resp.render(resp.call(args));
        } catch (IOException e) {
            throw new UncheckedIOException(description() + ": " + args[0] + " failed: " + e, e);
        }
    }

    /** Deletes all keys of all databases ({@code FLUSHALL}). */
    @Override
    public void flushAll() {
        command("FLUSHALL");
    }

    // ---------------------------------------------------------------- internals

    Mode mode() {
        return spec.mode;
    }

    /** True if PING is answered within a second. */
    @Override
    boolean answersProbe() {
        try {
            return "PONG".equals(command(PROBE_TIMEOUT, "PING"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The value of {@code field} in an INFO-style text ({@code field:value} lines), or null. */
    static String infoField(String info, String field) {
        if (info == null) {
            return null;
        }
        String prefix = field + ":";
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    @Override
    String probeName() {
        return "PING";
    }

    @Override
    String explainStartupFailure(String logTail) {
        if (tls == null || !logTail.contains("Bad directive") || !logTail.contains("tls-")) {
            return null;
        }
        int[] v = Binaries.redisVersion(binary);
        return binary + " (Redis " + v[0] + "." + v[1] + "." + v[2] + ") was built without TLS support (it rejects "
                + "'tls-port'). Install a TLS-enabled build (Debian/Ubuntu's redis-server package is one: "
                + "`apt-get install -y redis-server`) or point " + Binaries.REDIS_SERVER_ENV + " at one. Last lines "
                + "of its log:\n" + logTail;
    }

    private void authenticate(Resp resp) throws IOException {
        Object reply;
        if (spec.username != null) {
            reply = resp.call("AUTH", spec.username, spec.userPassword);
        } else if (spec.requirePass != null) {
            reply = resp.call("AUTH", spec.requirePass);
        } else {
            return;
        }
        if (reply instanceof Resp.Error error) {
            throw new IllegalStateException("AUTH failed on " + description() + ": " + error.message());
        }
    }

    private void writeConfig() {
        List<String> lines = new ArrayList<>();
        lines.add("# generated by zodiac-cache-testkit");
        lines.add("bind " + Ports.LOOPBACK_HOST);
        if (tls != null) {
            lines.add("port 0");
            lines.add("tls-port " + port());
            lines.add("tls-cert-file " + quote(tls.serverCertificate));
            lines.add("tls-key-file " + quote(tls.serverKey));
            lines.add("tls-ca-cert-file " + quote(tls.caCertificate));
            lines.add("tls-auth-clients no");
        } else {
            lines.add("port " + port());
        }
        lines.add("dir " + quote(directory()));
        lines.add("daemonize no");
        lines.add("logfile \"\"");
        if (spec.mode == Mode.SENTINEL) {
            Builder.SentinelOf s = spec.sentinelOf;
            lines.add("sentinel monitor " + s.masterName + " " + Ports.LOOPBACK_HOST + " " + s.masterPort + " "
                    + s.quorum);
            lines.add("sentinel down-after-milliseconds " + s.masterName + " 2000");
            lines.add("sentinel failover-timeout " + s.masterName + " 10000");
            lines.add("sentinel parallel-syncs " + s.masterName + " 1");
            if (s.authUser != null) {
                lines.add("sentinel auth-user " + s.masterName + " " + s.authUser);
            }
            if (s.authPass != null) {
                lines.add("sentinel auth-pass " + s.masterName + " " + s.authPass);
            }
        } else {
            lines.add("save \"\"");
            lines.add("appendonly no");
            lines.add("repl-diskless-sync-delay 0");
            if (Binaries.redisAtLeast(binary, 7, 0)) {
                lines.add("enable-debug-command local");
            }
        }
        if (spec.mode == Mode.CLUSTER_NODE) {
            lines.add("cluster-enabled yes");
            lines.add("cluster-config-file nodes.conf");
            lines.add("cluster-node-timeout 3000");
        }
        if (spec.replicaOfPort > 0) {
            lines.add("replicaof " + Ports.LOOPBACK_HOST + " " + spec.replicaOfPort);
            if (spec.masterUser != null) {
                lines.add("masteruser " + spec.masterUser);
            }
            if (spec.masterPassword != null) {
                lines.add("masterauth " + spec.masterPassword);
            }
        }
        if (spec.username != null) {
            String channels = Binaries.redisAtLeast(binary, 6, 2) ? " &*" : "";
            lines.add("user " + spec.username + " on >" + spec.userPassword + " ~*" + channels + " +@all");
        }
        if (spec.requirePass != null) {
            lines.add("requirepass " + spec.requirePass);
        }
        if (spec.disableDefaultUser) {
            lines.add("user default off");
        }
        lines.addAll(spec.extraConfig);
        try {
            Files.write(configFile, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
    }

    private TlsMaterial requireTls() {
        if (tls == null) {
            throw new IllegalStateException(this + " is not a TLS node: build it with RedisServer.builder().tls()");
        }
        return tls;
    }

    private String scheme() {
        return tls != null ? "rediss://" : "redis://";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String quote(Path path) {
        return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String describe(Builder spec, int port) {
        String what = switch (spec.mode) {
            case SENTINEL -> "redis-sentinel";
            case CLUSTER_NODE -> "redis-server (cluster node)";
            case STANDALONE -> spec.replicaOfPort > 0 ? "redis-server (replica)" : "redis-server";
        };
        return what + (spec.tls ? " (TLS)" : "") + " on " + Ports.LOOPBACK_HOST + ":" + port;
    }

    /**
     * Configures and starts a {@link RedisServer}. Every option is optional; {@link #start()} may be called
     * more than once, each call starting a new server.
     *
     * <pre>{@code
     * RedisServer acl = RedisServer.builder().user("alice", "secret").disableDefaultUser().start();
     * RedisServer tls = RedisServer.builder().tls().start();
     * }</pre>
     */
    public static final class Builder {

        private final List<String> extraConfig = new ArrayList<>();
        private boolean tls;
        private String username;
        private String userPassword;
        private boolean disableDefaultUser;
        private String requirePass;
        private int replicaOfPort;
        private String masterUser;
        private String masterPassword;
        private Duration startupTimeout = Duration.ofSeconds(20);
        private Mode mode = Mode.STANDALONE;
        private SentinelOf sentinelOf;

        private Builder() {
        }

        /**
         * Appends {@code redis.conf} directives (one per element) after the kit's own, so they win.
         *
         * @param lines directives such as {@code "maxmemory 10mb"}
         * @return this builder
         */
        public Builder config(String... lines) {
            for (String line : lines) {
                extraConfig.add(Objects.requireNonNull(line, "config line"));
            }
            return this;
        }

        /**
         * Serves TLS only: generates a CA and a server certificate (SAN IP:127.0.0.1, DNS:localhost) with the
         * {@code openssl} command and starts with {@code port 0}, {@code tls-port PORT},
         * {@code tls-auth-clients no}.
         *
         * @return this builder
         */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /**
         * Adds the ACL user {@code user NAME on >PASSWORD ~* &* +@all}; the kit's own commands authenticate as
         * this user.
         *
         * @param username user name, without whitespace
         * @param password password, without whitespace
         * @return this builder
         */
        public Builder user(String username, String password) {
            this.username = token(username, "username");
            this.userPassword = token(password, "password");
            return this;
        }

        /**
         * Locks the {@code default} user ({@code user default off}): clients must AUTH as the
         * {@link #user(String, String) ACL user}, which is therefore required.
         *
         * @return this builder
         */
        public Builder disableDefaultUser() {
            this.disableDefaultUser = true;
            return this;
        }

        /**
         * Sets {@code requirepass}, the password of the {@code default} user.
         *
         * @param password password, without whitespace
         * @return this builder
         */
        public Builder requirePass(String password) {
            this.requirePass = token(password, "password");
            return this;
        }

        /**
         * Makes the node a replica of {@code master} ({@code replicaof}, plus {@code masteruser} /
         * {@code masterauth} when the master has credentials). TLS masters are not supported.
         *
         * @param master a running, non-TLS master
         * @return this builder
         */
        public Builder replicaOf(RedisServer master) {
            if (master.isTls()) {
                throw new IllegalArgumentException("replicas of TLS nodes are not supported by the test kit");
            }
            this.replicaOfPort = master.port();
            this.masterUser = master.username();
            this.masterPassword = master.password();
            return this;
        }

        /**
         * How long {@link #start()} and {@link RedisServer#restart()} wait for PING to be answered (default 20 s).
         *
         * @param timeout the bound
         * @return this builder
         */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startup timeout must be positive");
            }
            this.startupTimeout = timeout;
            return this;
        }

        Builder clusterNode() {
            this.mode = Mode.CLUSTER_NODE;
            return this;
        }

        Builder sentinelOf(String masterName, RedisServer master, int quorum) {
            this.mode = Mode.SENTINEL;
            this.sentinelOf = new SentinelOf(token(masterName, "master name"), master.port(), quorum,
                    master.username(), master.password());
            return this;
        }

        /**
         * Starts a new server and waits until it answers PING. A port taken between picking and binding is
         * retried with another port.
         *
         * @return the running server
         * @throws IllegalStateException if redis-server (or openssl for TLS) is missing, or the server does not
         *     start; the message says how to install the binary or includes the tail of the server's log
         */
        public RedisServer start() {
            if (disableDefaultUser && username == null) {
                throw new IllegalStateException("disableDefaultUser() needs user(name, password) as well");
            }
            Path binary = Binaries.redisServer();
            Builder spec = copy();
            IntSupplier freePorts = spec.mode == Mode.CLUSTER_NODE ? Ports::freeClusterPort : Ports::freePort;
            return startOnFreePort("redis", freePorts, dir -> {
                TlsMaterial material = spec.tls ? TlsMaterial.generate(dir) : null;
                return port -> {
                    RedisServer server = new RedisServer(spec, binary, dir, port, material);
                    server.writeConfig();
                    return server;
                };
            });
        }

        private Builder copy() {
            Builder b = new Builder();
            b.extraConfig.addAll(extraConfig);
            b.tls = tls;
            b.username = username;
            b.userPassword = userPassword;
            b.disableDefaultUser = disableDefaultUser;
            b.requirePass = requirePass;
            b.replicaOfPort = replicaOfPort;
            b.masterUser = masterUser;
            b.masterPassword = masterPassword;
            b.startupTimeout = startupTimeout;
            b.mode = mode;
            b.sentinelOf = sentinelOf;
            return b;
        }

        private static String token(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace) || value.contains("\"")) {
                throw new IllegalArgumentException(what + " must be non-empty without whitespace or quotes");
            }
            return value;
        }

        /** Sentinel settings (package-private use by {@link RedisSentinel}). */
        private record SentinelOf(String masterName, int masterPort, int quorum, String authUser, String authPass) {
        }
    }
}
