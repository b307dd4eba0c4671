package io.zodiac.cache.redis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ```java} block of a Markdown file: where it is, its lines, and which of them declare
 * types (interfaces, classes, records, enums) rather than statements. {@link ReadmeSnippetsTest}
 * turns it into a compilation unit: the type declarations become member types of a class, the
 * other lines the body of a method of that class.
 */
record ReadmeSnippet(int line, List<String> lines, boolean compileOnlyMarker) {

    /** The HTML comment (invisible when rendered) that marks the next block as compile-only. */
    static final String COMPILE_ONLY_MARKER = "<!-- compile-only -->";

    private static final Pattern OPENING = Pattern.compile(" {0,3}```java\\s*");
    private static final Pattern CLOSING = Pattern.compile(" {0,3}```\\s*");

    /** Annotations and modifiers, then the keyword of a type declaration and its name. */
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "(?:@\\w+(?:\\([^)]*\\))?\\s*)*"
                    + "(?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
                    + "(?:class|interface|record|enum|@interface)\\s+(\\w+)");

    /** Hosts a block names: the host of every URI, and every IPv4 literal. */
    private static final Pattern URI_HOST = Pattern.compile("[a-z][a-z0-9+.-]*://(?:[^@/\\s\"]*@)?([^:/\\s\"#?]+)");
    private static final Pattern IPV4 = Pattern.compile("\\b\\d{1,3}(?:\\.\\d{1,3}){3}\\b");

    /**
     * Every {@code ```java} block of {@code markdown}, in order.
     *
     * @throws IllegalArgumentException when a block is not closed
     */
    static List<ReadmeSnippet> extract(String markdown) {
        String[] all = markdown.split("\r?\n", -1);
        List<ReadmeSnippet> snippets = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            if (!OPENING.matcher(all[i]).matches()) {
                continue;
            }
            int opening = i;
            List<String> body = new ArrayList<>();
            for (i++; i < all.length && !CLOSING.matcher(all[i]).matches(); i++) {
                body.add(all[i]);
            }
            if (i == all.length) {
                throw new IllegalArgumentException("the ```java block at line " + (opening + 1) + " is not closed");
            }
            snippets.add(new ReadmeSnippet(opening + 1, List.copyOf(body), precededByMarker(all, opening)));
        }
        return snippets;
    }

    private static boolean precededByMarker(String[] all, int opening) {
        for (int i = opening - 1; i >= 0; i--) {
            if (!all[i].isBlank()) {
                return all[i].strip().equals(COMPILE_ONLY_MARKER);
            }
        }
        return false;
    }

    /** The README line number of the block's {@code index}-th line (0-based). */
    int readmeLine(int index) {
        return line + 1 + index;
    }

    /** The block's first non-blank line, to name it. */
    String firstLine() {
        return lines.stream().filter(l -> !l.isBlank()).findFirst().map(String::strip).orElse("(empty)");
    }

    /** Hosts named in the block that are not loopback ({@code 127.x.x.x}, {@code localhost}, {@code ::1}). */
    Set<String> remoteHosts() {
        String text = String.join("\n", lines);
        Set<String> hosts = new LinkedHashSet<>();
        Matcher uri = URI_HOST.matcher(text);
        while (uri.find()) {
            hosts.add(uri.group(1));
        }
        Matcher ip = IPV4.matcher(text);
        while (ip.find()) {
            hosts.add(ip.group());
        }
        hosts.removeIf(host -> host.startsWith("127.") || host.equals("localhost") || host.equals("[::1]"));
        return hosts;
    }

    /**
     * For every line: {@code true} when it belongs to a top-level type declaration, from the line
     * of its first annotation or keyword to the line of its closing brace. Comments, string and
     * character literals and text blocks are skipped, so braces inside them do not count.
     */
    boolean[] typeDeclarationLines() {
        boolean[] inType = new boolean[lines.size()];
        for (int[] range : typeDeclarations()) {
            for (int l = range[0]; l <= range[1]; l++) {
                inType[l] = true;
            }
        }
        return inType;
    }

    /** The first and last line (0-based) of every top-level type declaration. */
    private List<int[]> typeDeclarations() {
        String text = String.join("\n", lines);
        List<int[]> ranges = new ArrayList<>();
        int depth = 0;
        boolean itemStart = true;
        int typeStart = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (text.startsWith("//", i)) {
                i = end(text.indexOf('\n', i), text.length()) - 1;
            } else if (text.startsWith("/*", i)) {
                i = end(text.indexOf("*/", i + 2), text.length() - 2) + 1;
            } else if (text.startsWith("\"\"\"", i)) {
                i = closingQuote(text, i + 3, "\"\"\"") + 2;
            } else if (c == '"' || c == '\'') {
                i = closingQuote(text, i + 1, String.valueOf(c));
            } else if (!Character.isWhitespace(c)) {
                if (itemStart && depth == 0 && typeStart < 0) {
                    itemStart = false;
                    if (TYPE_DECLARATION.matcher(text).region(i, text.length()).lookingAt()) {
                        typeStart = i;
                    }
                }
                if (c == '{' || c == '(' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ')' || c == ']') {
                    depth--;
                    if (depth == 0 && c == '}') {
                        if (typeStart >= 0) {
                            ranges.add(new int[] {lineOf(text, typeStart), lineOf(text, i)});
                            typeStart = -1;
                        }
                        itemStart = true;
                    }
                } else if (c == ';' && depth == 0) {
                    itemStart = true;
                }
            }
        }
        return ranges;
    }

    /** The names of the top-level types the block declares. */
    Set<String> declaredTypes() {
        Set<String> names = new LinkedHashSet<>();
        for (int[] range : typeDeclarations()) {
            Matcher declaration = TYPE_DECLARATION.matcher(String.join("\n", lines.subList(range[0], range[1] + 1)).strip());
            if (declaration.lookingAt()) {
                names.add(declaration.group(1));
            }
        }
        return names;
    }

    private static int end(int found, int otherwise) {
        return found < 0 ? otherwise : found;
    }

    private static int closingQuote(String text, int from, String quote) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                i++;
            } else if (text.startsWith(quote, i)) {
                return i;
            }
        }
        return text.length();
    }

    private static int lineOf(String text, int index) {
        int line = 0;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
