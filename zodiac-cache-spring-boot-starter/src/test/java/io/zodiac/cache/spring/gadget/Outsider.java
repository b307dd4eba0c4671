package io.zodiac.cache.spring.gadget;

/** A harmless value class outside the application's packages. */
public record Outsider(String id) {
}
