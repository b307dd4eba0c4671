package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemcachedServerTest {

    @RegisterExtension
    static final MemcachedExtension memcached = MemcachedExtension.create();

    @Test
    void setAndGetOverTheTextProtocol(MemcachedServer server) throws Exception {
        assertThat(server).isSameAs(memcached.server());
        assertThat(server.address()).isEqualTo("127.0.0.1:" + server.port()).isEqualTo(memcached.address());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.host(), server.port()), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            out.write("set greeting 7 0 5\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).isEqualTo("STORED");
            out.write("get greeting\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).isEqualTo("VALUE greeting 7 5");
            assertThat(in.readLine()).isEqualTo("hello");
            assertThat(in.readLine()).isEqualTo("END");
        }
        assertThat(server.command("get greeting")).isEqualTo("VALUE greeting 7 5\r\nhello\r\nEND");
        assertThat(server.command("version")).startsWith("VERSION ");
    }

    @Test
    void restartKeepsThePortAndStartsEmpty(MemcachedServer server) {
        int port = server.port();
        assertThat(server.command("set k 0 0 1\r\nx")).isEqualTo("STORED");

        server.restart();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.command("get k")).isEqualTo("END");

        server.kill();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> server.command("version")).isInstanceOf(UncheckedIOException.class);
        server.restart();
        assertThat(server.command("set k 0 0 1\r\ny")).isEqualTo("STORED");
        assertThat(server.command("get k")).isEqualTo("VALUE k 0 1\r\ny\r\nEND");
        assertThat(server.command("incr missing 1")).isEqualTo("NOT_FOUND");
        server.flushAll();
        assertThat(server.command("get k")).isEqualTo("END");
    }

    @Test
    void pauseTimesOutAndResumeRecovers(MemcachedServer server) {
        server.pause();
        assertThatThrownBy(() -> server.command(Duration.ofMillis(300), "version"))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SocketTimeoutException.class);
        server.resume();
        assertThat(server.command("version")).startsWith("VERSION ");
    }
}
