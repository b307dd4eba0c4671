package io.zodiac.cache.spring;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Fails on a key under {@code zodiac.cache} that names no setting of {@link ZodiacCacheProperties}, such as
 * {@code zodiac.cache.caches.default.default-tll}: Spring would ignore it and the cache would start without the
 * setting. The message names the key and the settings closest to it (by edit distance): {@code did you mean
 * default-ttl?}. Names are compared the way Spring binds them, so {@code defaultTtl} and {@code default_ttl} are
 * {@code default-ttl}. Keys of maps (cache names, {@code options}) are free. Environment variables are not checked:
 * their names cannot be told apart from nested keys ({@code _} is both a separator and part of a name).
 */
final class UnknownProperties {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("zodiac.cache");

    private UnknownProperties() {
    }

    /**
     * Checks every {@code zodiac.cache.*} key of the environment's property sources.
     *
     * @throws IllegalStateException naming the first unknown key and what it is closest to
     */
    static void check(Environment environment) {
        List<String> problems = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource
                    || !(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().filter(ROOT::isAncestorOf).map(UnknownProperties::problem)
                    .filter(problem -> problem != null && !problems.contains(problem)).forEach(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
    }

    /** What is wrong with {@code name}, or {@code null} when it names a setting. */
    static String problem(ConfigurationPropertyName name) {
        ResolvableType type = ResolvableType.forClass(ZodiacCacheProperties.class);
        for (int i = ROOT.getNumberOfElements(); i < name.getNumberOfElements(); i++) {
            Class<?> raw = type.toClass();
            if (Map.class.isAssignableFrom(raw)) {
                type = type.asMap().getGeneric(1); // the element is a key: any name goes
                continue;
            }
            if (!isSettingsClass(raw)) {
                return null; // a value (or a list of them): its indexes are Spring's to check
            }
            String element = name.getElement(i, Form.UNIFORM);
            List<PropertyDescriptor> settings = settings(raw);
            PropertyDescriptor setting = settings.stream().filter(p -> uniform(p.getName()).equals(element))
                    .findFirst().orElse(null);
            if (setting == null) {
                String typed = name.getElement(i, Form.DASHED);
                return "Unknown property '" + name + "': " + name.chop(i)
                        + " has no setting '" + typed + "'" + suggestion(typed, settings);
            }
            type = ResolvableType.forMethodReturnType(setting.getReadMethod());
        }
        return null;
    }

    private static boolean isSettingsClass(Class<?> type) {
        return type == ZodiacCacheProperties.class || type.getEnclosingClass() == ZodiacCacheProperties.class;
    }

    private static List<PropertyDescriptor> settings(Class<?> type) {
        List<PropertyDescriptor> settings = new ArrayList<>();
        for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
            if (descriptor.getReadMethod() != null && !descriptor.getName().equals("class")) {
                settings.add(descriptor);
            }
        }
        return settings;
    }

    /** The closest settings, at most 3, within a third of their length; empty when none is close. */
    private static String suggestion(String typed, Collection<PropertyDescriptor> settings) {
        List<String> close = settings.stream()
                .map(p -> DataObjectPropertyName.toDashedForm(p.getName()))
                .filter(candidate -> distance(typed, candidate) <= Math.max(2, candidate.length() / 3))
                .sorted(Comparator.comparingInt((String candidate) -> distance(typed, candidate))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(3)
                .toList();
        List<String> all = settings.stream().map(p -> DataObjectPropertyName.toDashedForm(p.getName())).sorted().toList();
        return (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?")
                + " (settings there: " + String.join(", ", all) + ")";
    }

    private static String uniform(String javaName) {
        return javaName.toLowerCase(Locale.ROOT);
    }

    /** The Levenshtein distance: the fewest insertions, deletions and substitutions that turn a into b. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
