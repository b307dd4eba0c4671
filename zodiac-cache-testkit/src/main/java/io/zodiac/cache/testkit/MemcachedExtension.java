package io.zodiac.cache.testkit;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a real memcached for a test class.
 *
 * <pre>{@code
 * class MyMemcachedTest {
 *     @RegisterExtension
 *     static final MemcachedExtension memcached = MemcachedExtension.create();
 *
 *     @Test
 *     void works(MemcachedServer server) {            // parameter injection
 *         client = new MemcachedClient(memcached.address());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Same lifecycle as {@link RedisExtension}: started before the class (static field) or each test (instance
 * field), stopped after it, repaired (resumed / restarted on the same port) before every test, killed at JVM
 * exit. {@link MemcachedServer} parameters are injected.
 */
public final class MemcachedExtension extends LifecycleExtension<MemcachedServer>
        implements ParameterResolver {

    private MemcachedExtension(List<String> extraArgs) {
        super(new ExtensionLifecycle<>("memcached", () -> MemcachedServer.start(extraArgs.toArray(new String[0])),
                MemcachedServer::ensureRunning, MemcachedServer::close));
    }

    /**
     * An extension running {@code memcached -l 127.0.0.1 -p PORT -U 0 -m 64}.
     *
     * @return the extension
     */
    public static MemcachedExtension create() {
        return new MemcachedExtension(List.of());
    }

    /**
     * Like {@link #create()} with extra memcached command-line arguments.
     *
     * @param extraArgs arguments appended to the command line, e.g. {@code "-I", "2m"}
     * @return the extension
     */
    public static MemcachedExtension create(String... extraArgs) {
        return new MemcachedExtension(List.of(extraArgs));
    }

    /**
     * The running server.
     *
     * @return the server
     * @throws IllegalStateException before the extension started
     */
    public MemcachedServer server() {
        return lifecycle.get();
    }

    /**
     * The server's address, {@code "127.0.0.1:PORT"}.
     *
     * @return the address
     */
    public String address() {
        return lifecycle.get().address();
    }

    /** Supports {@link MemcachedServer} parameters. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == MemcachedServer.class;
    }

    /** Injects the running server. */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return lifecycle.get();
    }

    @Override
    public String toString() {
        return "MemcachedExtension";
    }
}
