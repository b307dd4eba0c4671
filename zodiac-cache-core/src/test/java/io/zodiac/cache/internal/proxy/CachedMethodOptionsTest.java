package io.zodiac.cache.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zodiac.cache.Cached;
import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The getOrSet options that {@code @Cached} elements give every call of the method. */
class CachedMethodOptionsTest {

    interface Users {
        @Cached(name = "users", key = "user:{id}", ttl = 600, refreshAfter = 480, nullTtl = 30)
        String find(long id);

        @Cached
        String plain(long id);

        @Cached(ttl = 60, refreshAfter = 60)
        String refreshNotShorter(long id);

        @Cached(nullTtl = 0)
        String zeroNullTtl(long id);
    }

    private static CachedMethod compile(String name) throws NoSuchMethodException {
        Method method = Users.class.getDeclaredMethod(name, long.class);
        return CachedMethod.compile(method, method, method.getAnnotation(Cached.class), Users.class, Users.class);
    }

    @Test
    void refreshAfterAndNullTtlReachTheOptions() throws Exception {
        CachedMethod find = compile("find");
        assertThat(find.options().ttl()).isEqualTo(Duration.ofSeconds(600));
        assertThat(find.options().refreshAfter()).isEqualTo(Duration.ofSeconds(480));
        assertThat(find.options().nullTtl()).isEqualTo(Duration.ofSeconds(30));

        CachedMethod plain = compile("plain");
        assertThat(plain.options().refreshAfter()).isNull();
        assertThat(plain.options().nullTtl()).isNull();
    }

    @Test
    void wrongValuesFailNamingTheElement() {
        assertThatThrownBy(() -> compile("refreshNotShorter")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refreshAfter = 60 is not shorter than ttl = 60");
        assertThatThrownBy(() -> compile("zeroNullTtl")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nullTtl = 0");
    }
}
