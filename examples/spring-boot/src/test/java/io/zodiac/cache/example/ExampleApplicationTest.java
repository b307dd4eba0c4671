package io.zodiac.cache.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The running application over HTTP, with the JDK's client: the test is the same on Spring Boot 3.5
 * and 4 (whose test HTTP clients differ).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    private int port;

    @Autowired
    private MeterRegistry registry;

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private double gets(String result) {
        return registry.get("cache.gets").tags("cache", "default", "result", result).counter().count();
    }

    @Test
    void theSecondRequestForACityIsACacheHit() throws Exception {
        HttpResponse<String> first = get("/forecasts/Paris");
        HttpResponse<String> second = get("/forecasts/Paris");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.body()).contains("\"city\":\"Paris\"");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(gets("miss")).isEqualTo(1);
        assertThat(gets("hit")).isEqualTo(1);
    }

    @Test
    void healthAndMetricsAreExposed() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonNode zodiac = new ObjectMapper().readTree(health.body()).path("components").path("zodiacCache");
        assertThat(zodiac.path("status").asText()).as(health.body()).isEqualTo("UP");
        assertThat(zodiac.path("details").path("default").path("status").asText()).as(health.body()).isEqualTo("UP");
        HttpResponse<String> metrics = get("/actuator/metrics/cache.gets");
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
    }
}
