package io.zodiac.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.zodiac.cache.spi.Secrets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What messages show of configured values: never a password, everything else as given. */
class SecretsTest {

    @Test
    void uriUserInformationIsMaskedEvenWhenTheUriIsMalformed() {
        assertThat(Secrets.redactUri("redis://app:pw@h:6379/0")).isEqualTo("redis://******@h:6379/0");
        assertThat(Secrets.redactUri("rediss://:pw@h:6380")).isEqualTo("rediss://******@h:6380");
        assertThat(Secrets.redactUri("redis://app:p@ss word@h x:1/0")).isEqualTo("redis://******@h x:1/0");
        assertThat(Secrets.redactUri("app:pw@10.0.0.1:7000")).as("a seed").isEqualTo("******@10.0.0.1:7000");
        assertThat(Secrets.redactUri("redis://h:6379/0")).isEqualTo("redis://h:6379/0");
        assertThat(Secrets.redactUri(null)).isNull();
    }

    @Test
    void optionsShowPasswordsMaskedAndAddressesWithoutUserInformation() {
        Map<String, Object> shown = Secrets.redactOptions(Map.of("password", "pw", "truststore_password", "tpw",
                "uri", "redis://app:pw@h:1/0", "cluster", "a:pw@h1:7000,h2:7000", "servers", List.of("a:pw@h1:1", "h2:2"),
                "port", 6379, "endpoint", "h"));

        assertThat(shown).containsEntry("password", Secrets.MASK).containsEntry("truststore_password", Secrets.MASK)
                .containsEntry("uri", "redis://******@h:1/0").containsEntry("cluster", "******@h1:7000,h2:7000")
                .containsEntry("servers", List.of("******@h1:1", "h2:2"))
                .containsEntry("port", 6379).containsEntry("endpoint", "h");
        assertThat(shown.toString()).doesNotContain("pw@").doesNotContain("=pw").doesNotContain("tpw");
    }
}
