package io.zodiac.cache.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the command line ({@code 50ms}, {@code 1.5s}, {@code 2m}, {@code PT5S}, {@code 0}: a
 * number needs a unit unless it is zero) and on the screen.
 */
final class Durations implements ITypeConverter<Duration> {

    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|h)");

    @Override
    public Duration convert(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        Matcher matcher = WITH_UNIT.matcher(value);
        if (matcher.matches()) {
            BigDecimal nanosPerUnit = BigDecimal.valueOf(switch (matcher.group(2)) {
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            });
            return Duration.ofNanos(new BigDecimal(matcher.group(1)).multiply(nanosPerUnit).longValue());
        }
        if (value.startsWith("pt")) {
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                // falls through to the message below
            }
        }
        throw new TypeConversionException("'" + text + "' is not a duration: use a number and a unit, such as 50ms, 5s or 2m");
    }

    /** A duration for people: {@code 850 us}, {@code 50 ms}, {@code 1.5 s}. */
    static String format(Duration duration) {
        return formatNanos(duration.toNanos());
    }

    /** Nanoseconds for people, with three significant digits at most. */
    static String formatNanos(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return trim(nanos / 1e3) + " us";
        }
        if (nanos < 1_000_000_000) {
            return trim(nanos / 1e6) + " ms";
        }
        return trim(nanos / 1e9) + " s";
    }

    private static String trim(double value) {
        String text = value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : value >= 10 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.2f", value);
        return text.contains(".") ? text.replaceAll("\\.?0+$", "") : text;
    }
}
