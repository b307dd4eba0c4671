package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisAclTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.acl();

    @Test
    void aliceCanAuthenticateAndWrongPasswordsAreRefused(RedisServer server) throws Exception {
        assertThat(server.username()).isEqualTo("alice");
        assertThat(server.password()).isEqualTo("secret");
        try (Socket socket = connect(server)) {
            assertThat(RawResp.call(socket, "PING")).as("the default user is off").startsWith("-NOAUTH");
            assertThat(RawResp.call(socket, "AUTH", "alice", "secret")).isEqualTo("+OK");
            assertThat(RawResp.call(socket, "PING")).isEqualTo("+PONG");
        }
        try (Socket socket = connect(server)) {
            assertThat(RawResp.call(socket, "AUTH", "alice", "wrong")).startsWith("-WRONGPASS");
            assertThat(RawResp.call(socket, "AUTH", "default", "")).startsWith("-WRONGPASS");
        }
    }

    @Test
    void theKitAuthenticatesItself(RedisServer server) {
        assertThat(server.command("ACL", "WHOAMI")).isEqualTo("alice");
        assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
        assertThat(server.uriWithCredentials()).isEqualTo("redis://alice:secret@127.0.0.1:" + server.port());
    }

    @Test
    void requirePassProtectsTheDefaultUser() throws Exception {
        try (RedisServer server = RedisServer.builder().requirePass("s3cret").start()) {
            assertThat(server.uriWithCredentials()).isEqualTo("redis://:s3cret@127.0.0.1:" + server.port());
            try (Socket socket = connect(server)) {
                assertThat(RawResp.call(socket, "PING")).startsWith("-NOAUTH");
                assertThat(RawResp.call(socket, "AUTH", "s3cret")).isEqualTo("+OK");
            }
            assertThat(server.command("ACL", "WHOAMI")).isEqualTo("default");
        }
    }

    private static Socket connect(RedisServer server) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(server.host(), server.port()), 1000);
        socket.setSoTimeout(5000);
        return socket;
    }
}
