package io.zodiac.cache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of a harness (not JMH), written as JSON for {@link Report}. */
final class Results {

    /** One figure: {@code subject}'s {@code metric}. */
    record Figure(String subject, String metric, double value, String unit, String description) {
    }

    private final String suite;
    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, Object> context = new LinkedHashMap<>();

    Results(String suite) {
        this.suite = suite;
    }

    void add(String subject, String metric, double value, String unit, String description) {
        figures.add(new Figure(subject, metric, value, unit, description));
    }

    /** A setting of the run (sizes, rounds), reported next to the figures. */
    void context(String name, Object value) {
        context.put(name, value);
    }

    void write(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("suite", suite);
        json.put("context", context);
        json.put("figures", figures);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        System.out.println("wrote " + file);
    }
}
