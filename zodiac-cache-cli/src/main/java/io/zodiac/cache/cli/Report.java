package io.zodiac.cache.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The demo's summary: the phase through the cache next to the phase without it, then stampede protection. */
final class Report {

    private static final String ROW = "  %-32s %18s %18s";

    private final PrintWriter out;
    private final int keys;
    private final int processes;
    private final String api;

    /**
     * @param api what the clients called: {@code getOrSet} or {@code a @Cached proxy}
     */
    Report(PrintWriter out, int keys, int processes, String api) {
        this.out = out;
        this.keys = keys;
        this.processes = processes;
        this.api = api;
    }

    /** Prints the summary; {@code direct} is {@code null} when the phase without the cache was skipped. */
    void print(PhaseResult cached, PhaseResult direct) {
        out.println();
        row("", "with zodiac-cache", direct == null ? "" : "source only");
        row("run time", cached, direct, r -> Durations.formatNanos(r.elapsedNanos()));
        row("requests", cached, direct, r -> count(r.requests()));
        row("throughput", cached, direct, r -> String.format(Locale.ROOT, "%,.0f/s", r.throughput()));
        row("hit ratio", percent(cached.hitRatio()), direct == null ? "" : "-");
        row("source calls", cached, direct, r -> count(r.sourceCallsTotal()));
        for (double percentile : new double[] {50, 90, 99}) {
            row(String.format(Locale.ROOT, "latency p%.0f", percentile), cached, direct,
                    r -> Durations.formatNanos(r.latency().getValueAtPercentile(percentile)));
        }
        row("latency max", cached, direct, r -> Durations.formatNanos(r.latency().getMaxValue()));
        if (cached.errors() > 0 || direct != null && direct.errors() > 0) {
            row("errors", cached, direct, r -> count(r.errors()));
        }

        out.println();
        out.println("Stampede protection: " + api + " runs the source once per cold key, however many clients ask"
                + (processes > 1 ? " (" + processes + " processes)" : ""));
        row("keys loaded", count(cached.sourceCalls().size()) + " of " + count(keys), "");
        row("source calls per key, max", count(cached.maxCallsPerKey()), "");
        row("requests that waited for a load", count(cached.waitedForALoad()), "");
        int busiest = cached.busiestColdKey();
        if (busiest >= 0) {
            row("callers on the busiest cold key", count(cached.coldCallers().get(busiest)) + " (" + Workload.key(busiest) + ")", "");
        }
        out.println();
        for (String line : conclusion(cached, busiest)) {
            out.println(line);
        }
        out.flush();
    }

    private List<String> conclusion(PhaseResult cached, int busiest) {
        List<String> lines = new ArrayList<>();
        if (cached.firstError() != null) {
            lines.add("First error: " + cached.firstError());
        }
        if (cached.maxCallsPerKey() == 1 && busiest >= 0) {
            lines.add(String.format(Locale.ROOT, "Each of the %,d keys loaded was read from the source once. %,d requests "
                    + "asked for a key while it was loading and waited for that load instead of calling the source "
                    + "again; %s had %,d clients asking before its first value arrived.",
                    cached.sourceCalls().size(), cached.waitedForALoad(), Workload.key(busiest),
                    cached.coldCallers().get(busiest)));
        } else if (cached.maxCallsPerKey() > 1) {
            lines.add(String.format(Locale.ROOT, "Some keys were read from the source more than once (up to %d times): their "
                    + "values expired (--ttl) or were refreshed (--refresh-after), a producer outlived its lease, or the backend failed and getOrSet fell back to the source. Rerun "
                    + "with --verbose to see the library's log.", cached.maxCallsPerKey()));
        }
        return lines;
    }

    private void row(String label, PhaseResult cached, PhaseResult direct, Function<PhaseResult, String> value) {
        row(label, value.apply(cached), direct == null ? "" : value.apply(direct));
    }

    private void row(String label, String cached, String direct) {
        out.println(String.format(Locale.ROOT, ROW, label, cached, direct).stripTrailing());
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
    }
}
