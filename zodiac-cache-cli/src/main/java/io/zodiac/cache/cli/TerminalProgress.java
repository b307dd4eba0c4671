package io.zodiac.cache.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress of a phase on the user's screen. On a terminal: a bar redrawn in place with
 * carriage returns. Otherwise (a pipe, a file, a CI log): a plain line every second, so logs stay
 * readable.
 */
final class TerminalProgress implements ProgressSink {

    private static final int BAR_WIDTH = 16;
    private static final long PLAIN_EVERY_NANOS = 1_000_000_000L;

    private final PrintWriter out;
    private final String label;
    private final long plannedNanos;
    private final boolean live;
    private long lastPlainLine;
    private int lastWidth;

    /**
     * @param live {@code true} to redraw a bar in place (a terminal), {@code false} for plain lines
     */
    TerminalProgress(PrintWriter out, String label, Duration planned, boolean live) {
        this.out = out;
        this.label = label;
        this.plannedNanos = planned.toNanos();
        this.live = live;
    }

    /** {@code true} when stdout is a terminal that can show a bar. */
    static boolean onTerminal() {
        return System.console() != null;
    }

    @Override
    public void update(long elapsedNanos, long requests, long sourceCalls, boolean last) {
        String counts = String.format(Locale.ROOT, "%5.1fs %,11d requests %,7d source calls",
                elapsedNanos / 1e9, requests, sourceCalls);
        if (live) {
            int filled = last ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, BAR_WIDTH * elapsedNanos / Math.max(1, plannedNanos));
            String line = String.format("%-10s [%s%s] %s", label, "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), counts);
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
            if (last) {
                out.println();
            }
            out.flush();
        } else if (last || elapsedNanos - lastPlainLine >= PLAIN_EVERY_NANOS) {
            lastPlainLine = elapsedNanos;
            out.println(String.format("%-10s %s", label, counts));
            out.flush();
        }
    }
}
