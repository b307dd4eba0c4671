package io.zodiac.cache.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test-time TLS material generated with the {@code openssl} command: a throw-away CA, a server certificate
 * signed by it (SAN IP:127.0.0.1 and DNS:localhost, EC P-256 keys) and a PKCS12 truststore holding the CA.
 */
final class TlsMaterial {

    static final String TRUSTSTORE_PASSWORD = "zodiac-testkit";

    final Path caCertificate;
    final Path serverCertificate;
    final Path serverKey;
    final Path truststore;
    final SSLContext sslContext;

    private TlsMaterial(Path caCertificate, Path serverCertificate, Path serverKey, Path truststore,
            SSLContext sslContext) {
        this.caCertificate = caCertificate;
        this.serverCertificate = serverCertificate;
        this.serverKey = serverKey;
        this.truststore = truststore;
        this.sslContext = sslContext;
    }

    /** Generates the CA, server certificate and truststore into {@code dir}/tls. */
    static TlsMaterial generate(Path dir) {
        Path openssl = Binaries.openssl();
        try {
            Path tls = Files.createDirectories(dir.resolve("tls"));
            Path caConf = tls.resolve("ca.cnf");
            Path caKey = tls.resolve("ca.key");
            Path caCert = tls.resolve("ca.crt");
            Path serverConf = tls.resolve("server.cnf");
            Path serverKey = tls.resolve("server.key");
            Path serverCsr = tls.resolve("server.csr");
            Path serverCert = tls.resolve("server.crt");
            Files.writeString(caConf, String.join("\n",
                    "[req]",
                    "distinguished_name = dn",
                    "prompt = no",
                    "x509_extensions = v3_ca",
                    "[dn]",
                    "CN = zodiac-testkit CA",
                    "[v3_ca]",
                    "basicConstraints = critical, CA:TRUE",
                    "keyUsage = critical, keyCertSign, cRLSign",
                    "subjectKeyIdentifier = hash",
                    ""), StandardCharsets.UTF_8);
            Files.writeString(serverConf, String.join("\n",
                    "[req]",
                    "distinguished_name = dn",
                    "prompt = no",
                    "[dn]",
                    "CN = localhost",
                    "[v3_server]",
                    "basicConstraints = critical, CA:FALSE",
                    "keyUsage = critical, digitalSignature, keyEncipherment",
                    "extendedKeyUsage = serverAuth, clientAuth",
                    "subjectAltName = IP:127.0.0.1, DNS:localhost",
                    "subjectKeyIdentifier = hash",
                    "authorityKeyIdentifier = keyid",
                    ""), StandardCharsets.UTF_8);
            run(tls, openssl.toString(), "req", "-x509", "-new", "-config", caConf.toString(),
                    "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", caKey.toString(), "-out", caCert.toString(), "-days", "30");
            run(tls, openssl.toString(), "req", "-new", "-config", serverConf.toString(),
                    "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", serverKey.toString(), "-out", serverCsr.toString());
            run(tls, openssl.toString(), "x509", "-req", "-in", serverCsr.toString(),
                    "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                    "-set_serial", Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE),
                    "-out", serverCert.toString(), "-days", "30",
                    "-extfile", serverConf.toString(), "-extensions", "v3_server");
            Path truststore = tls.resolve("truststore.p12");
            SSLContext context = writeTruststore(caCert, truststore);
            return new TlsMaterial(caCert, serverCert, serverKey, truststore, context);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate TLS certificates in " + dir, e);
        }
    }

    /** Loads a PEM CA certificate into a new PKCS12 truststore file and returns an SSLContext trusting it. */
    static SSLContext writeTruststore(Path caPem, Path truststore) throws IOException {
        try {
            X509Certificate ca;
            try (InputStream in = Files.newInputStream(caPem)) {
                ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("zodiac-testkit-ca", ca);
            try (OutputStream out = Files.newOutputStream(truststore)) {
                store.store(out, TRUSTSTORE_PASSWORD.toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a truststore from " + caPem, e);
        }
    }

    private static void run(Path dir, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl timed out: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running openssl", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("openssl failed (exit " + process.exitValue() + "): "
                    + String.join(" ", cmd) + "\n" + output);
        }
    }
}
