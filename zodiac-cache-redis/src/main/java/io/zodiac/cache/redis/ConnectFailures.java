package io.zodiac.cache.redis;

import io.zodiac.cache.CacheUnavailableException;
import java.time.Duration;
import java.util.List;

/**
 * What a cache says when it has no connection yet: its name, where it connects (without
 * credentials) and why the last attempt failed, in words a user can act on. A server that refuses
 * the credentials is named as such, whatever shape Lettuce gives the refusal.
 */
final class ConnectFailures {

    /**
     * What Lettuce reports when the server closed the connection during the handshake before the
     * handshake's own error reached it: a refused {@code HELLO}/{@code AUTH} seen from the other side.
     */
    private static final String HANDSHAKE_GONE = "RedisHandshakeHandler not registered";

    /** How Redis (and Lettuce, see above) put a refusal of the credentials. */
    private static final List<String> AUTH_ERRORS = List.of("WRONGPASS", "NOAUTH", "NOPERM", HANDSHAKE_GONE);

    private ConnectFailures() {
    }

    /** The innermost cause, which carries Redis's own words ({@code WRONGPASS ...}) or the socket's. */
    private static Throwable innermost(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Redis's refusal of the credentials ({@code WRONGPASS ...}, {@code NOAUTH ...}) anywhere in
     * {@code error}: its causes, suppressed errors (a cluster reports each seed there) and the lines
     * of their messages; {@code null} when there is none.
     */
    private static String refusal(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            for (String line : message(cause).lines().toList()) {
                for (String word : AUTH_ERRORS) {
                    int at = line.indexOf(word);
                    if (at >= 0) {
                        return line.substring(at);
                    }
                }
            }
            for (Throwable suppressed : cause.getSuppressed()) {
                String found = refusal(suppressed);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * What kind of failure {@code error} is, to log a failing endpoint once per kind rather than per
     * attempt: a refusal of the credentials, or the class of the innermost error (the details, such
     * as the order of a cluster's seeds, may differ from one attempt to the next).
     */
    static String kind(Throwable error) {
        return refusal(error) != null ? "authentication" : innermost(error).getClass().getName();
    }

    /**
     * Whether {@code error} is Lettuce's lost handshake ({@value #HANDSHAKE_GONE}): the server's own
     * answer (a {@code WRONGPASS}, say) was lost in a race with the closing channel, so the failure
     * says less than the attempt that comes next will.
     */
    static boolean inconclusive(Throwable error) {
        String refused = refusal(error);
        return refused != null && refused.startsWith(HANDSHAKE_GONE);
    }

    /**
     * Which of two failures of one endpoint, the one before and the one just seen, tells a user
     * more: the new one, unless it is {@linkplain #inconclusive inconclusive} and the one before
     * was not (a lost handshake after a {@code WRONGPASS} is that refusal again, seen less well).
     *
     * @param before the failure before, or {@code null} when there was none
     */
    static Throwable moreTelling(Throwable before, Throwable seen) {
        return before != null && inconclusive(seen) && !inconclusive(before) ? before : seen;
    }

    /** Why a connection attempt failed, in one line, for messages and the log. */
    static String reason(Throwable error) {
        String refused = refusal(error);
        if (refused != null) {
            String what = refused.startsWith(HANDSHAKE_GONE) ? "the server closed the connection during the handshake"
                    : refused;
            return "authentication failed: " + what + " (check the options 'username' and 'password', or the "
                    + "credentials in 'uri')";
        }
        return "cannot reach the server: " + message(innermost(error)).lines().findFirst().orElse("").trim();
    }

    /**
     * The error of a call that waited {@code waited} for a connection that was not made.
     *
     * @param cache the cache's name
     * @param where where the cache connects, without credentials
     * @param lastError why the last attempt failed, or {@code null} while the first one runs
     */
    static CacheUnavailableException notConnected(String cache, String where, Duration waited, Throwable lastError) {
        String why = lastError == null ? "the first connection attempt has not finished" : reason(lastError);
        return new CacheUnavailableException("Cache '" + cache + "': not connected to " + where + " after waiting "
                + waited.toMillis() + " ms: " + why + "; still connecting in the background", lastError);
    }

    private static String message(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
