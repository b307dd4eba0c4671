package io.zodiac.cache.spring;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * Cache writes made inside a Spring transaction, run after it commits and dropped when it rolls back
 * (the semantics of Spring's {@code TransactionAwareCacheDecorator}); outside a transaction, or
 * without spring-tx on the class path, they run at once.
 */
final class AfterCommit {

    private static final boolean SPRING_TX = ClassUtils.isPresent(
            "org.springframework.transaction.support.TransactionSynchronizationManager", AfterCommit.class.getClassLoader());

    private AfterCommit() {
    }

    /** Whether this thread is in a transaction whose commit writes can wait for. */
    static boolean inTransaction() {
        return SPRING_TX && Synchronizations.active();
    }

    /** Runs {@code write} after the commit of this thread's transaction, or now when there is none. */
    static void run(Runnable write) {
        if (inTransaction()) {
            Synchronizations.afterCommit(write);
        } else {
            write.run();
        }
    }

    /** The spring-tx calls, in a class of their own so that nothing of spring-tx loads when it is absent. */
    private static final class Synchronizations {

        static boolean active() {
            return TransactionSynchronizationManager.isSynchronizationActive();
        }

        static void afterCommit(Runnable write) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    write.run();
                }
            });
        }
    }
}
