package io.zodiac.cache.key;

/** Prints {@link KeyFixtures#goldenKeys()}, one per line: run in a second JVM by {@link CanonicalKeyTest}. */
public final class KeyPrinter {

    private KeyPrinter() {
    }

    public static void main(String[] args) {
        KeyFixtures.goldenKeys().forEach(System.out::println);
    }
}
