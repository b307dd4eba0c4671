/**
 * A small JUnit 5 test kit that runs <em>real</em> {@code redis-server} and {@code memcached} processes on free
 * ports of 127.0.0.1 for integration tests, and stops them afterwards (also when a test fails, and at JVM exit).
 * No Docker, no mocks.
 *
 * <h2>Servers</h2>
 * <ul>
 *   <li>{@link io.zodiac.cache.testkit.RedisServer}: a standalone node; via its
 *       {@link io.zodiac.cache.testkit.RedisServer.Builder builder} also a TLS node (certificates generated at
 *       test time with {@code openssl}), an ACL node, a replica, or extra {@code redis.conf} lines.</li>
 *   <li>{@link io.zodiac.cache.testkit.RedisCluster}: 3 masters, 16384 slots assigned, {@code cluster_state:ok}.
 *       </li>
 *   <li>{@link io.zodiac.cache.testkit.RedisSentinel}: master, replica and one sentinel monitoring
 *       {@code mymaster}.</li>
 *   <li>{@link io.zodiac.cache.testkit.MemcachedServer}: {@code memcached -l 127.0.0.1 -p PORT -U 0 -m 64}.</li>
 * </ul>
 * Both server types are {@link io.zodiac.cache.testkit.LocalServer}s, which own the lifecycle and fault
 * injection: {@code stop()} (SIGTERM), {@code kill()} (SIGKILL), {@code pause()} (SIGSTOP), {@code resume()}
 * (SIGCONT), {@code restart()} (same port) and {@code ensureRunning()}, so a fault test can be written once for
 * every kind of server.
 *
 * <h2>JUnit 5</h2>
 * <pre>{@code
 * @RegisterExtension static final RedisExtension redis = RedisExtension.standalone();
 * @RegisterExtension static final RedisExtension cluster = RedisExtension.cluster();
 * @RegisterExtension static final MemcachedExtension memcached = MemcachedExtension.create();
 * }</pre>
 * See {@link io.zodiac.cache.testkit.RedisExtension} and {@link io.zodiac.cache.testkit.MemcachedExtension}.
 *
 * <h2>Requirements</h2>
 * The binaries are taken from {@code REDIS_SERVER_BIN}, {@code MEMCACHED_BIN} and {@code OPENSSL_BIN} when set,
 * otherwise from the {@code PATH}; on Debian/Ubuntu:
 * {@code apt-get install -y redis-server memcached openssl}. Each server gets its own temp directory holding its
 * configuration and log file (the tail of the log is part of every startup failure); directories are deleted on
 * close, or kept with {@code -Dzodiac.testkit.keepTempDirs=true}.
 */
package io.zodiac.cache.testkit;
