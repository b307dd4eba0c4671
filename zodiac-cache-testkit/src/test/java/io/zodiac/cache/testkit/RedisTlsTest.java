package io.zodiac.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisTlsTest {

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.tls();

    @Test
    void acceptsTlsConnectionsVerifiedWithTheGeneratedCa(RedisServer server) throws Exception {
        assertThat(server.isTls()).isTrue();
        assertThat(server.uri()).isEqualTo("rediss://127.0.0.1:" + server.port());

        X509Certificate ca;
        try (InputStream in = Files.newInputStream(server.caCertificate())) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        for (String host : new String[] {"127.0.0.1", "localhost"}) {
            assertThat(pingOverTls(contextTrusting(trust), host, server.port())).isEqualTo("+PONG");
        }
    }

    @Test
    void theTruststoreFileWorksToo(RedisServer server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server.truststore())) {
            trust.load(in, server.truststorePassword().toCharArray());
        }
        assertThat(pingOverTls(contextTrusting(trust), "127.0.0.1", server.port())).isEqualTo("+PONG");
        assertThat(server.command("PING")).as("the kit's own client speaks TLS").isEqualTo("PONG");
    }

    @Test
    void untrustedClientsAndPlainTextAreRejected(RedisServer server) throws Exception {
        // null: the JDK's default trust anchors, which do not include the generated CA
        assertThatThrownBy(() -> pingOverTls(contextTrusting(null), "127.0.0.1", server.port()))
                .isInstanceOf(SSLHandshakeException.class);

        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", server.port()), 1000);
            plain.setSoTimeout(2000);
            String reply;
            try {
                reply = RawResp.call(plain, "PING");
            } catch (IOException e) {
                reply = "closed: " + e.getMessage();
            }
            assertThat(reply).isNotEqualTo("+PONG");
        }
    }

    private static SSLContext contextTrusting(KeyStore trust) throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static String pingOverTls(SSLContext context, String host, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.connect(new InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return RawResp.call(socket, "PING");
        }
    }
}
