package io.zodiac.cache.spring;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.util.TokenBuffer;

/**
 * The stored form of a Spring cache value in a JSON cache: the value with its type name (see
 * {@link AllowedTypes}), {@code {"@type":"com.example.Forecast","value":{...}}}, since Spring's
 * {@code Cache.get(key)} says nothing of the type to read. A cached null is
 * {@code {"@type":"null","value":null}}.
 *
 * <p>Read from JSON, {@code value} is the value's JSON tokens, exact (numbers keep their text), to be
 * read as the type once the type name has passed the allowlist; never a class chosen by the JSON.
 *
 * @param type the type name, {@link #NULL} for a cached null
 * @param value the value: the object itself when written, its JSON tokens when read from JSON
 */
@JsonPropertyOrder({"@type", "value"})
record ValueEnvelope(@JsonProperty("@type") String type,
        @JsonProperty("value") @JsonDeserialize(as = TokenBuffer.class) Object value) {

    /** The type name of a cached null; no class is called {@code null}. */
    static final String NULL = "null";
}
