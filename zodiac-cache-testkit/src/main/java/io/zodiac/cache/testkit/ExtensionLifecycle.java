package io.zodiac.cache.testkit;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Shared lifecycle of the kit's JUnit extensions. The resource is started by the first callback that sees it
 * missing ({@code beforeAll} for a static field, {@code beforeEach} for an instance field) and closed by the
 * matching {@code after} callback of the same context, so nested test classes reuse their outer class's
 * servers. Before every class and every test, a resource left broken by a fault test is repaired.
 */
final class ExtensionLifecycle<T> {

    private final String name;
    private final Supplier<T> starter;
    private final Consumer<T> repairer;
    private final Consumer<T> closer;

    private T resource;
    private String ownerId;

    ExtensionLifecycle(String name, Supplier<T> starter, Consumer<T> repairer, Consumer<T> closer) {
        this.name = name;
        this.starter = starter;
        this.repairer = repairer;
        this.closer = closer;
    }

    synchronized void before(ExtensionContext context) {
        if (resource == null) {
            resource = starter.get();
            ownerId = context.getUniqueId();
        } else {
            repairer.accept(resource);
        }
    }

    synchronized void after(ExtensionContext context) {
        if (resource != null && context.getUniqueId().equals(ownerId)) {
            T closing = resource;
            resource = null;
            ownerId = null;
            closer.accept(closing);
        }
    }

    synchronized void repair() {
        repairer.accept(get());
    }

    synchronized T get() {
        if (resource == null) {
            throw new IllegalStateException(name + " is not started: register the extension with "
                    + "@RegisterExtension on a static field and use it from tests or @BeforeAll/@BeforeEach methods");
        }
        return resource;
    }
}
