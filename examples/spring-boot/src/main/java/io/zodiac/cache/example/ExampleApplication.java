package io.zodiac.cache.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A weather service whose slow lookup is cached with {@code @Cached}. Run it with
 * {@code mvn -q -pl examples/spring-boot -am spring-boot:run}, then
 * {@code curl localhost:8080/forecasts/Paris} twice: the first answer takes 200 ms, the second
 * comes from the cache. Add {@code -Dspring-boot.run.profiles=redis} to cache in a Redis on
 * 127.0.0.1:6379 instead of in memory.
 */
@SpringBootApplication
public class ExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }
}
