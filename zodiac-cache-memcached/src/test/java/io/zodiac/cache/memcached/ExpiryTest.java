package io.zodiac.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExpiryTest {

    @Test
    void ttlsAreWholeSecondsRoundedUp() {
        assertThat(Expiry.seconds(null)).isEqualTo(Expiry.NEVER);
        assertThat(Expiry.seconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(Expiry.seconds(Duration.ofMillis(1500))).isEqualTo(2);
        assertThat(Expiry.seconds(Duration.ofSeconds(300))).isEqualTo(300);
        assertThat(Expiry.seconds(Duration.ofDays(365 * 200))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aLockOutlivesItsLeaseDespiteMemcachedsOneSecondClock() {
        assertThat(Expiry.leaseSeconds(Duration.ofMillis(300))).isEqualTo(2);
        assertThat(Expiry.leaseSeconds(Duration.ofSeconds(2))).isEqualTo(3);
    }
}
