package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.zodiac.cache.CacheConfig;
import io.zodiac.cache.CacheManager;
import io.zodiac.cache.ZodiacCache;
import io.zodiac.cache.testkit.RedisExtension;
import io.zodiac.cache.testkit.RedisServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A password given to a cache, as an option or inside a URI, appears in no message a user or a
 * log can see: not in a configuration's {@code toString}, not in the error of a conflicting setup,
 * of a malformed URI, of a bad option or of a refused connection, nor in any of their causes.
 */
class PasswordsStayOutOfMessagesTest {

    private static final String SECRET = "s3cret-Pw";

    @RegisterExtension
    static final RedisExtension ACL = RedisExtension.acl();

    private final CacheManager manager = new CacheManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** Everything an error can show: messages of the whole cause chain and the stack trace's text. */
    private static String everything(Throwable error) {
        assertThat(error).as("an error was raised").isNotNull();
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    @Test
    void aConfigurationShowsNoPassword() {
        RedisServer acl = ACL.server();
        CacheConfig byUri = CacheConfig.fromUri("redis://app:" + SECRET + "@" + acl.address() + "/0").build();
        CacheConfig byOption = CacheConfig.builder().backend("redis").option("endpoint", acl.host())
                .option("password", SECRET).option("cluster", "app:" + SECRET + "@10.0.0.1:7000").build();

        assertThat(byUri.toString()).doesNotContain(SECRET).contains("******");
        assertThat(byOption.toString()).doesNotContain(SECRET);
    }

    @Test
    void aConflictingSetupNamesTheDifferenceButNotThePassword() {
        RedisServer acl = ACL.server();
        manager.setup("app", CacheConfig.fromUri(acl.uriWithCredentials()).build());
        CacheConfig other = CacheConfig.fromUri(acl.uriWithCredentials()).option("password", SECRET)
                .defaultTtl(Duration.ofMinutes(5)).build();

        String message = everything(catchThrowable(() -> manager.setup("app", other)));
        assertThat(message).contains("already configured with different settings").contains("defaultTtl")
                .doesNotContain(SECRET).doesNotContain(acl.password());
    }

    @Test
    void aMalformedUriIsReportedWithoutItsPassword() {
        assertThat(everything(catchThrowable(() -> CacheConfig.fromUri("redis://app:" + SECRET + "@host name:6379/0"))))
                .contains("malformed").doesNotContain(SECRET);
        assertThat(everything(catchThrowable(() -> CacheConfig.fromUri("redis//app:" + SECRET + "@host:6379"))))
                .contains("no scheme").doesNotContain(SECRET);
        assertThat(everything(catchThrowable(() -> manager.setup("app", CacheConfig.builder().backend("redis")
                .option("uri", "redis://app:" + SECRET + "@:notaport/0").build()))))
                .contains("uri").doesNotContain(SECRET);
        assertThat(everything(catchThrowable(() -> manager.setup("app", CacheConfig.builder().backend("redis")
                .option("cluster", "app:" + SECRET + "@10.0.0.1:notaport").build()))))
                .contains("cluster").doesNotContain(SECRET);
    }

    @Test
    void aWrongPasswordOrAnUnreachableServerIsReportedWithoutThePassword() {
        RedisServer acl = ACL.server();
        String wrong = "redis://" + acl.username() + ":" + SECRET + "@" + acl.address() + "/0";
        ZodiacCache refused = manager.setup("wrong", CacheConfig.fromUri(wrong).name("refused")
                .operationTimeout(Duration.ofMillis(300)).build());
        assertThat(everything(catchThrowable(() -> refused.blocking().get("k"))))
                .contains("Cache 'refused'").contains("authentication failed").contains("WRONGPASS")
                .doesNotContain(SECRET);

        String nobody = "redis://app:" + SECRET + "@127.0.0.1:1/0";
        ZodiacCache unreachable = manager.setup("nobody", CacheConfig.fromUri(nobody).name("unreachable")
                .operationTimeout(Duration.ofMillis(300)).build());
        assertThat(everything(catchThrowable(() -> unreachable.blocking().get("k"))))
                .contains("Cache 'unreachable': not connected to redis://127.0.0.1:1/0").doesNotContain(SECRET);
    }
}
