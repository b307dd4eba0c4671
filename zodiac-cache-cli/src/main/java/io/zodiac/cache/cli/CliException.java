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
     * The messages of an exception and its causes on one line, wrappers without a message of
     * their own skipped and a cause that only repeats its wrapper left out.
     */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        String previous = "";
        for (Throwable t = error; t != null; t = t.getCause()) {
            boolean wrapper = (t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null;
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
            if (wrapper || previous.contains(message)) {
                continue;
            }
            text.append(text.length() == 0 ? "" : ": ").append(message);
            previous = message;
        }
        return text.toString().replaceAll("\\s*\\R\\s*", " ");
    }
}
