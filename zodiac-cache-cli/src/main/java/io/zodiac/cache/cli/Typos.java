package io.zodiac.cache.cli;

/** How far a typed word is from a name: the edits of a typo (a letter inserted, deleted, changed, or two swapped). */
final class Typos {

    private Typos() {
    }

    /** The optimal-string-alignment distance: {@code dmeo} is 1 from {@code demo}, {@code --thread} 1 from {@code --threads}. */
    static int distance(String typed, String name) {
        int[][] d = new int[typed.length() + 1][name.length() + 1];
        for (int i = 0; i <= typed.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= name.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= typed.length(); i++) {
            for (int j = 1; j <= name.length(); j++) {
                int cost = typed.charAt(i - 1) == name.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && typed.charAt(i - 1) == name.charAt(j - 2) && typed.charAt(i - 2) == name.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[typed.length()][name.length()];
    }
}
