package io.zodiac.cache.spring.app;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Configuration;

/** The application's configuration: its package, {@code io.zodiac.cache.spring.app}, is the application's package. */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
@EnableCaching
public class AppConfiguration {
}
