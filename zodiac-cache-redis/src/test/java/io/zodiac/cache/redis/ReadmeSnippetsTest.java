package io.zodiac.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.zodiac.cache.CacheManager;
import io.zodiac.cache.testkit.RedisExtension;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippets are code: every {@code ```java} block of the repository's
 * {@code README.md} compiles against the current API (with {@code -parameters}, as the
 * {@code @Cached} key templates need), and runs, so the README cannot drift from the API.
 *
 * <p>A block becomes a class: its type declarations become member types, its other lines the body
 * of a method that the test runs. The names a snippet uses without declaring them ({@code User},
 * {@code Session}, {@code userRepository}, {@code UserServiceImpl}, {@code manager}, ...) are
 * declared here, in {@link #ASSUMED}, never in the README.
 *
 * <p>A block is compiled only, not run, when it names a host that is not loopback (it would
 * connect to {@code redis.example.com} or {@code 10.0.0.7}), when it declares types only (there is
 * nothing to run), or when the line before it is the invisible marker
 * {@code <!-- compile-only -->}. A block that is run has Redis's port {@code 6379}
 * replaced by the port of this test's Redis server, and a fresh {@code manager}; the global
 * manager must have no caches before it and is shut down after it.
 */
class ReadmeSnippetsTest {

    @RegisterExtension
    static final RedisExtension REDIS = RedisExtension.standalone();

    private static final String PACKAGE = "readme";

    private static final List<String> IMPORTS = List.of(
            "java.time.*", "java.util.*", "java.util.concurrent.*", "java.util.function.*",
            "io.zodiac.cache.*", "io.zodiac.cache.key.*", "io.zodiac.cache.plugin.*", "io.zodiac.cache.serializer.*",
            "io.zodiac.cache.spi.*", "io.zodiac.cache.contract.*",
            "reactor.core.publisher.Flux", "reactor.core.publisher.Mono");

    /** A name the snippets use without declaring it, its declaration, and the assumed names that declaration uses. */
    private record Assumed(String name, String source, List<String> uses) {
    }

    private static final List<Assumed> ASSUMED = List.of(
            new Assumed("manager", """
                        /** A manager of the snippet's own; the test sets it, and shuts it down after the snippet. */
                        static CacheManager manager;
                    """, List.of()),
            new Assumed("User", """
                        public record User(long id, String name) {
                        }
                    """, List.of()),
            new Assumed("Session", """
                        public record Session(String token) {
                        }
                    """, List.of()),
            new Assumed("UserRepository", """
                        public static class UserRepository {
                            public User find(long id) {
                                return new User(id, "user " + id);
                            }

                            public CompletableFuture<User> findAsync(long id) {
                                return CompletableFuture.supplyAsync(() -> find(id));
                            }
                        }
                    """, List.of("User")),
            new Assumed("userRepository", """
                        static final UserRepository userRepository = new UserRepository();
                    """, List.of("UserRepository")),
            new Assumed("repository", """
                        static final UserRepository repository = new UserRepository();
                    """, List.of("UserRepository")),
            new Assumed("UserServiceImpl", """
                        /** The implementation behind the README's UserService. */
                        public static class UserServiceImpl implements UserService {
                            private final UserRepository repository;

                            public UserServiceImpl() {
                                this(new UserRepository());
                            }

                            public UserServiceImpl(UserRepository repository) {
                                this.repository = repository;
                            }

                            @Override
                            public CompletableFuture<User> user(int id) {
                                return repository.findAsync(id);
                            }

                            @Override
                            public Session session(String token) {
                                return new Session(token);
                            }

                            @Override
                            public User find(long id) {
                                return repository.find(id);
                            }

                            @Override
                            public void save(User user) {
                            }

                            @Override
                            public User rename(User user, String name) {
                                return new User(user.id(), name);
                            }

                            @Override
                            public Mono<User> findReactive(long id) {
                                return Mono.fromSupplier(() -> repository.find(id));
                            }
                        }
                    """, List.of("UserRepository", "User", "Session")));

    private static final Pattern REDIS_PORT = Pattern.compile("\\b6379\\b");

    @TempDir
    Path classes;

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfTheReadmeCompilesAndRuns() throws IOException {
        List<ReadmeSnippet> snippets = ReadmeSnippet.extract(Files.readString(readme(), StandardCharsets.UTF_8));
        assertThat(snippets).as("the ```java blocks of %s", readme()).isNotEmpty();
        return snippets.stream().map(snippet -> dynamicTest(displayName(snippet), () -> check(snippet)));
    }

    /** README.md at the repository root: the first directory up from here that holds it next to the core module. */
    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("zodiac-cache-core"))) {
                return dir.resolve("README.md");
            }
        }
        throw new IllegalStateException("no README.md next to zodiac-cache-core above " + Path.of("").toAbsolutePath());
    }

    private static String displayName(ReadmeSnippet snippet) {
        String mode = compileOnlyReason(snippet);
        return "README.md:" + snippet.line() + " " + abbreviate(snippet.firstLine())
                + (mode == null ? " [compiled and run]" : " [compiled only: " + mode + "]");
    }

    /** Why the block is not run, or {@code null} when it is. */
    private static String compileOnlyReason(ReadmeSnippet snippet) {
        if (snippet.compileOnlyMarker()) {
            return "marked " + ReadmeSnippet.COMPILE_ONLY_MARKER;
        }
        Set<String> hosts = snippet.remoteHosts();
        if (!hosts.isEmpty()) {
            return "names " + String.join(", ", hosts);
        }
        boolean[] inType = snippet.typeDeclarationLines();
        for (int l = 0; l < inType.length; l++) {
            if (!inType[l] && !snippet.lines().get(l).isBlank()) {
                return null;
            }
        }
        return "declares types only";
    }

    private void check(ReadmeSnippet snippet) throws Exception {
        boolean run = compileOnlyReason(snippet) == null;
        String className = "ReadmeLine" + snippet.line();
        Unit unit = unit(snippet, className, run);
        Path output = Files.createDirectories(classes.resolve(className));
        compile(snippet, unit, className, output);
        if (run) {
            try {
                run(output, className);
            } catch (Throwable e) {
                throw new AssertionError("The README.md block at line " + snippet.line() + " (" + snippet.firstLine()
                        + ") compiles but fails when run: " + e, e);
            }
        }
    }

    /** The generated source, and for each of its lines the README line it comes from (0 for generated lines). */
    private record Unit(List<String> lines, List<Integer> readmeLines) {

        void add(String line, int readmeLine) {
            lines.add(line);
            readmeLines.add(readmeLine);
        }

        void addGenerated(String text) {
            text.lines().forEach(line -> add(line, 0));
        }

        String source() {
            return String.join("\n", lines) + "\n";
        }
    }

    private Unit unit(ReadmeSnippet snippet, String className, boolean run) {
        Unit unit = new Unit(new ArrayList<>(), new ArrayList<>());
        unit.addGenerated("package " + PACKAGE + ";");
        IMPORTS.forEach(name -> unit.addGenerated("import " + name + ";"));
        unit.addGenerated("public class " + className + " {");
        assumedBy(snippet).forEach(assumed -> unit.addGenerated(assumed.source()));
        boolean[] inType = snippet.typeDeclarationLines();
        for (int l = 0; l < inType.length; l++) {
            if (inType[l]) {
                unit.add(snippetLine(snippet, l, run), snippet.readmeLine(l));
            }
        }
        unit.addGenerated("    public static void snippet() throws Throwable {");
        for (int l = 0; l < inType.length; l++) {
            if (!inType[l]) {
                unit.add(snippetLine(snippet, l, run), snippet.readmeLine(l));
            }
        }
        unit.addGenerated("    }\n}");
        return unit;
    }

    private String snippetLine(ReadmeSnippet snippet, int index, boolean run) {
        String line = snippet.lines().get(index);
        return run ? REDIS_PORT.matcher(line).replaceAll(String.valueOf(REDIS.server().port())) : line;
    }

    /** The assumed declarations whose names the snippet uses and does not declare, with those they use. */
    private static List<Assumed> assumedBy(ReadmeSnippet snippet) {
        String text = String.join("\n", snippet.lines());
        Set<String> declared = snippet.declaredTypes();
        Set<String> names = new LinkedHashSet<>();
        for (Assumed assumed : ASSUMED) {
            if (!declared.contains(assumed.name()) && Pattern.compile("\\b" + assumed.name() + "\\b").matcher(text).find()) {
                names.add(assumed.name());
            }
        }
        for (boolean grew = true; grew; ) {
            grew = false;
            for (Assumed assumed : ASSUMED) {
                if (names.contains(assumed.name())) {
                    grew |= names.addAll(assumed.uses());
                }
            }
        }
        return ASSUMED.stream().filter(assumed -> names.contains(assumed.name())).toList();
    }

    private static void compile(ReadmeSnippet snippet, Unit unit, String className, Path output) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK's compiler (javax.tools)").isNotNull();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject source = new SimpleJavaFileObject(
                URI.create("string:///" + PACKAGE + "/" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return unit.source();
            }
        };
        List<String> options = List.of("-parameters", "-proc:none", "-implicit:none",
                "-classpath", System.getProperty("java.class.path"), "-d", output.toString());
        boolean compiled;
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            compiled = compiler.getTask(null, files, diagnostics, options, null, List.of(source)).call();
        }
        if (!compiled) {
            String errors = diagnostics.getDiagnostics().stream()
                    .filter(diagnostic -> diagnostic.getKind() == Diagnostic.Kind.ERROR)
                    .map(diagnostic -> "  " + where(unit, diagnostic) + ": " + diagnostic.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("\n"));
            throw new AssertionError("The README.md block at line " + snippet.line() + " (" + snippet.firstLine()
                    + ") does not compile against the current API:\n" + errors);
        }
    }

    /** The README line of a diagnostic, or the generated line with its text when the snippet did not write it. */
    private static String where(Unit unit, Diagnostic<? extends JavaFileObject> diagnostic) {
        int index = (int) diagnostic.getLineNumber() - 1;
        if (index < 0 || index >= unit.lines().size()) {
            return "(no line)";
        }
        int readmeLine = unit.readmeLines().get(index);
        return readmeLine > 0
                ? "README.md:" + readmeLine
                : "generated line " + (index + 1) + " `" + unit.lines().get(index).strip() + "`";
    }

    private static void run(Path output, String className) throws Exception {
        assertThat(CacheManager.global().names()).as("caches of CacheManager.global() before the snippet").isEmpty();
        CacheManager manager = new CacheManager();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {output.toUri().toURL()},
                ReadmeSnippetsTest.class.getClassLoader())) {
            Class<?> snippetClass = loader.loadClass(PACKAGE + "." + className);
            setManager(snippetClass, manager);
            Method snippet = snippetClass.getMethod("snippet");
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                try {
                    snippet.invoke(null);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        } finally {
            manager.shutdown().join();
            CacheManager.global().shutdown().join();
        }
    }

    private static void setManager(Class<?> snippetClass, CacheManager manager) throws IllegalAccessException {
        try {
            Field field = snippetClass.getDeclaredField("manager");
            field.setAccessible(true);
            field.set(null, manager);
        } catch (NoSuchFieldException e) {
            // the snippet does not use the assumed manager
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }

}
