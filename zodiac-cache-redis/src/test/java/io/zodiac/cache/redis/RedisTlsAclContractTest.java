package io.zodiac.cache.redis;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.contract.BackendCapabilities;
import io.zodiac.cache.contract.ServerCacheContract;
import io.zodiac.cache.contract.ServerFaults;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache contract on a TLS-only Redis node whose default user is off: the cache connects with
 * {@code rediss://alice:secret@...} and the kit's CA certificate.
 */
class RedisTlsAclContractTest extends ServerCacheContract {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone(RedisServer.builder().tls()
            .user(RedisExtension.ACL_USERNAME, RedisExtension.ACL_PASSWORD).disableDefaultUser());

    @Override
    protected CacheConfig.Builder config() {
        RedisServer server = REDIS.server();
        return CacheConfig.fromUri(server.uriWithCredentials()).option("ca_cert", server.caCertificate().toString());
    }

    /** A server shared by every manager: every capability of {@link BackendCapabilities#remote()}. */
    @Override
    protected BackendCapabilities capabilities() {
        return BackendCapabilities.remote();
    }

    @Override
    protected ServerFaults faults() {
        return ServerFaults.of(REDIS.server());
    }
}
