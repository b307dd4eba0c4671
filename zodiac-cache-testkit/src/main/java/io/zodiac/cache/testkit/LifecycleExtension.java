package io.zodiac.cache.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit callbacks the kit's extensions share: start the servers unless an enclosing class already did
 * (repairing them otherwise), stop them in the callback of the context that started them.
 *
 * @param <T> the resource the extension manages
 */
abstract class LifecycleExtension<T> implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    final ExtensionLifecycle<T> lifecycle;

    LifecycleExtension(ExtensionLifecycle<T> lifecycle) {
        this.lifecycle = lifecycle;
    }

    /**
     * Repairs the servers now (resume paused, restart down processes, wait until healthy), e.g. in an
     * {@code @AfterEach} of a fault test; also done automatically before every test.
     */
    public void ensureRunning() {
        lifecycle.repair();
    }

    /** Starts the servers unless an enclosing class already did; otherwise repairs them. */
    @Override
    public void beforeAll(ExtensionContext context) {
        lifecycle.before(context);
    }

    /** Stops the servers if this class started them. */
    @Override
    public void afterAll(ExtensionContext context) {
        lifecycle.after(context);
    }

    /** Repairs the servers (or starts them, for an instance field). */
    @Override
    public void beforeEach(ExtensionContext context) {
        lifecycle.before(context);
    }

    /** Stops the servers if this test started them (instance field). */
    @Override
    public void afterEach(ExtensionContext context) {
        lifecycle.after(context);
    }
}
