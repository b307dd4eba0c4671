package io.zodiac.cache.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps passwords out of messages: what a configuration, an error or a log line shows of an option
 * or a URI. Every message of the library and its backends that shows a configured value goes
 * through here.
 */
public final class Secrets {

    /** What stands in for a secret. */
    public static final String MASK = "******";

    private Secrets() {
    }

    /**
     * {@code uri} with its user information masked ({@code redis://******@host:6379/0}), read as
     * text so that a malformed URI is masked too. Text without {@code ://} is taken as a
     * {@code user:password@host:port} address (a cluster seed). {@code null} stays {@code null}.
     */
    public static String redactUri(String uri) {
        if (uri == null) {
            return null;
        }
        int scheme = uri.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = uri.lastIndexOf('@');
        return at >= start ? uri.substring(0, start) + MASK + uri.substring(at) : uri;
    }

    /**
     * What a message may show of an option's value: the mask for an option whose name holds
     * {@code password} or {@code secret}, the value with its user information masked for text that
     * may hold some (URIs, addresses, lists of them), the value itself otherwise.
     */
    public static Object redactValue(String option, Object value) {
        String name = option.toLowerCase(Locale.ROOT);
        if (value == null) {
            return null;
        }
        if (name.contains("password") || name.contains("secret")) {
            return MASK;
        }
        if (value instanceof Iterable<?> items) {
            List<Object> shown = new ArrayList<>();
            items.forEach(item -> shown.add(item == null ? null : redactList(item.toString())));
            return shown;
        }
        return value instanceof CharSequence text ? redactList(text.toString()) : value;
    }

    /** The options as {@link #redactValue} shows them, sorted by name. */
    public static Map<String, Object> redactOptions(Map<String, ?> options) {
        Map<String, Object> shown = new TreeMap<>();
        options.forEach((option, value) -> shown.put(option, redactValue(option, value)));
        return shown;
    }

    /** A comma-separated list of addresses or URIs, each with its user information masked. */
    private static String redactList(String text) {
        if (text.indexOf('@') < 0) {
            return text;
        }
        String[] items = text.split(",", -1);
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < items.length; i++) {
            shown.append(i == 0 ? "" : ",").append(redactUri(items[i]));
        }
        return shown.toString();
    }
}
