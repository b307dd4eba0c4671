package io.zodiac.cache.spring;

import io.zodiac.cache.CacheConfig;

/**
 * Adjusts the configuration of a cache set up from {@code zodiac.cache.*} before it is set up,
 * for what properties cannot say: a serializer instance, a plugin with constructor arguments.
 * Every customizer bean is applied, in {@link org.springframework.core.annotation.Order} order.
 *
 * <pre>{@code
 * @Bean
 * ZodiacCacheCustomizer sessionsSerializer(ObjectMapper mapper) {
 *     return (name, config) -> {
 *         if (name.equals("sessions")) {
 *             config.serializer(new JsonSerializer(mapper));
 *         }
 *     };
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ZodiacCacheCustomizer {

    /**
     * Customizes the configuration of cache {@code name}.
     *
     * @param name the cache's name, the key under {@code zodiac.cache.caches}
     * @param config the configuration built from the properties, plugin beans included
     */
    void customize(String name, CacheConfig.Builder config);
}
