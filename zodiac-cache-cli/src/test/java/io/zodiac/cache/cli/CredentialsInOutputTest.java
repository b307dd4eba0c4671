package io.zodiac.cache.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A password in {@code --backend} reaches the server, and neither the terminal nor a refused login shows it. */
class CredentialsInOutputTest {

    @RegisterExtension
    static final RedisExtension ACL = RedisExtension.acl();

    @Test
    void statsShowTheBackendWithItsPasswordMasked() {
        RedisServer acl = ACL.server();
        Cli.Result stats = Cli.run("stats", "--backend", acl.uriWithCredentials(), "--namespace", "zodiac_cache:app");

        assertThat(stats.exitCode()).as(stats.toString()).isZero();
        assertThat(stats.stdout()).contains("******@" + acl.address());
        assertThat(stats.toString()).doesNotContain(acl.password());
    }

    @Test
    void aRefusedLoginIsReportedWithoutThePassword() {
        RedisServer acl = ACL.server();
        String secret = "n0t-the-Pw";
        Cli.Result get = Cli.run("get", "k", "--backend",
                "redis://" + acl.username() + ":" + secret + "@" + acl.address() + "/0", "--namespace", "zodiac_cache:app");

        assertThat(get.exitCode()).as(get.toString()).isNotZero();
        assertThat(get.stderr()).contains("WRONGPASS");
        assertThat(get.toString()).doesNotContain(secret);
    }

    @Test
    void aMalformedBackendUriIsReportedWithoutThePassword() {
        String secret = "n0t-the-Pw";
        Cli.Result get = Cli.run("get", "k", "--backend", "redis://app:" + secret + "@host name:6379/0",
                "--namespace", "zodiac_cache:app");

        assertThat(get.exitCode()).as(get.toString()).isNotZero();
        assertThat(get.stderr()).contains("malformed");
        assertThat(get.toString()).doesNotContain(secret);
    }
}
