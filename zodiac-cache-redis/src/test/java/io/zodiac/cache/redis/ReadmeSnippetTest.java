package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link ReadmeSnippetsTest} reads the README: the blocks, their type declarations, their hosts. */
class ReadmeSnippetTest {

    @Test
    void extractsEveryJavaBlockWithItsLineAndMarker() {
        String markdown = """
                # Title

                ```java
                int a = 1;
                ```

                ```bash
                echo not java
                ```
                <!-- compile-only -->

                ```java
                int b = 2;
                ```
                """;

        List<ReadmeSnippet> snippets = ReadmeSnippet.extract(markdown);

        assertThat(snippets).extracting(ReadmeSnippet::line).containsExactly(3, 12);
        assertThat(snippets).extracting(ReadmeSnippet::lines).containsExactly(List.of("int a = 1;"), List.of("int b = 2;"));
        assertThat(snippets).extracting(ReadmeSnippet::compileOnlyMarker).containsExactly(false, true);
    }

    @Test
    void anUnclosedBlockIsAnError() {
        assertThatThrownBy(() -> ReadmeSnippet.extract("text\n```java\nint a = 1;\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void typeDeclarationsEndAtTheirClosingBraceWhateverCommentsAndStringsHold() {
        ReadmeSnippet snippet = new ReadmeSnippet(1, List.of(
                "public interface Service {",
                "    @Cached(key = \"user:{id}\")      // zodiac_cache:{prefix}:user:42 }",
                "    User find(long id);",
                "}",
                "",
                "Runnable r = () -> { };",
                "record Point(int x, int y) { }",
                "Service s = CachedProxy.of(Service.class, new ServiceImpl());"), false);

        assertThat(snippet.typeDeclarationLines()).containsExactly(true, true, true, true, false, false, true, false);
        assertThat(snippet.declaredTypes()).containsExactly("Service", "Point");
    }

    @Test
    void remoteHostsAreTheNonLoopbackHostsOfUrisAndAddresses() {
        ReadmeSnippet snippet = new ReadmeSnippet(1, List.of(
                "CacheConfig.fromUri(\"redis://127.0.0.1:6379/0\");",
                "CacheConfig.fromUri(\"rediss://app:secret@redis.example.com:6380/0\");",
                "CacheConfig.fromUri(\"memcached://localhost:11211\");",
                ".option(\"cluster\", \"10.0.0.1:7000,10.0.0.2:7000\");"), false);

        assertThat(snippet.remoteHosts()).containsExactly("redis.example.com", "10.0.0.1", "10.0.0.2");
    }
}
