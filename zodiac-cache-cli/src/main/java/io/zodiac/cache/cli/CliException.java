package io.zodiac.cache.cli;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** A failure the command explains in one line on stderr, with the exit code it ends the process with. */
final class CliException extends RuntimeException {

    /** Exit code: the key is absent, or the user did not confirm. */
    static final int NOT_DONE = 1;
    /** Exit code: bad arguments or configuration. */
    static final int USAGE = 2;
    /** Exit code: the backend is unreachable or failing. */
    static final int BACKEND = 3;

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    private CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException notDone(String message) {
        return new CliException(NOT_DONE, message, null);
    }

    static CliException usage(String message) {
        return new CliException(USAGE, message, null);
    }

    static CliException usage(String message, Throwable cause) {
        return new CliException(USAGE, message, cause);
    }

    static CliException backend(String message, Throwable cause) {
        return new CliException(BACKEND, message, cause);
    }

    int exitCode() {
        return exitCode;
    }

    /**
     * An exception's message on one line, for people: the first message below the
     * {@code CompletionException} wrappers, without the library's {@code Cache 'NAME': } prefix
     * (a command has one cache), or the exception's class when it has no message. The causes are
     * left to {@code --verbose}.
     */
    static String describe(Throwable error) {
        Throwable shown = error;
        while ((shown instanceof CompletionException || shown instanceof ExecutionException) && shown.getCause() != null) {
            shown = shown.getCause();
        }
        String message = shown.getMessage() == null || shown.getMessage().isBlank()
                ? shown.getClass().getName() : shown.getMessage();
        return message.strip().replaceFirst("^Cache '[^']*': ", "").replaceAll("\\s*\\R\\s*", " ");
    }
}
