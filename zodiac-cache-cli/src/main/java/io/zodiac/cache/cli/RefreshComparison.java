package io.zodiac.cache.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * {@code demo --refresh-after}: the hot keys' latency with refresh-ahead (the main phase) next to
 * the same phase without it, on an emptied cache. Without refresh, every expiry of a hot key makes
 * its callers wait for the source; with it, they keep getting the stored value while one refresh
 * runs.
 */
record RefreshComparison(Duration ttl, Duration refreshAfter, Histogram withRefresh, Histogram withoutRefresh) {

    private static final String ROW = "  %-32s %18s %18s";

    /** Runs the phase without refresh-ahead after the main one ({@code refreshing}) and keeps both hot-key figures. */
    static RefreshComparison run(WorkloadOptions options, Workload refreshing, CacheSession session, boolean live,
            PrintWriter out) throws InterruptedException {
        Histogram withRefresh = refreshing.hotLatencies();
        session.await(session.cache().clear());
        Workload plain = options.withoutRefresh();
        plain.throughCache(session, options.duration,
                new TerminalProgress(out, "no refresh", options.duration, live));
        session.await(session.cache().clear());
        return new RefreshComparison(options.ttl, options.refreshAfter, withRefresh, plain.hotLatencies());
    }

    void print(PrintWriter out) {
        out.println();
        out.printf(Locale.ROOT, "Refresh-ahead: the %d hottest keys, values living %s%n", Workload.HOT_KEYS,
                Durations.format(ttl));
        row(out, "", "refresh after " + Durations.format(refreshAfter), "no refresh");
        row(out, "requests", String.format(Locale.ROOT, "%,d", withRefresh.getTotalCount()),
                String.format(Locale.ROOT, "%,d", withoutRefresh.getTotalCount()));
        for (double percentile : new double[] {50, 99, 99.9}) {
            row(out, String.format(Locale.ROOT, "latency p%s", percentile == 99.9 ? "99.9" : String.format(Locale.ROOT, "%.0f", percentile)),
                    Durations.formatNanos(withRefresh.getValueAtPercentile(percentile)),
                    Durations.formatNanos(withoutRefresh.getValueAtPercentile(percentile)));
        }
        row(out, "latency max", Durations.formatNanos(withRefresh.getMaxValue()),
                Durations.formatNanos(withoutRefresh.getMaxValue()));
        out.flush();
    }

    private static void row(PrintWriter out, String label, String with, String without) {
        out.println(String.format(Locale.ROOT, ROW, label, with, without).stripTrailing());
    }
}
