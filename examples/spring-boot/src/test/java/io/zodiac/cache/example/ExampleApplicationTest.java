package io.zodiac.cache.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {

    @Autowired
    private TestRestTemplate http;

    @Autowired
    private MeterRegistry registry;

    private double gets(String result) {
        return registry.get("cache.gets").tags("cache", "default", "result", result).counter().count();
    }

    @Test
    void theSecondRequestForACityIsACacheHit() {
        ResponseEntity<Forecast> first = http.getForEntity("/forecasts/Paris", Forecast.class);
        ResponseEntity<Forecast> second = http.getForEntity("/forecasts/Paris", Forecast.class);

        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(second.getBody()).isEqualTo(first.getBody());
        assertThat(gets("miss")).isEqualTo(1);
        assertThat(gets("hit")).isEqualTo(1);
    }

    @Test
    void healthAndMetricsAreExposed() {
        ResponseEntity<String> health = http.getForEntity("/actuator/health", String.class);
        assertThat(health.getStatusCode()).as(health.toString()).isEqualTo(HttpStatus.OK);
        assertThat(health.getBody()).contains("\"zodiacCache\":{\"status\":\"UP\"");
        ResponseEntity<String> metrics = http.getForEntity("/actuator/metrics/cache.gets", String.class);
        assertThat(metrics.getStatusCode()).as(metrics.toString()).isEqualTo(HttpStatus.OK);
    }
}
