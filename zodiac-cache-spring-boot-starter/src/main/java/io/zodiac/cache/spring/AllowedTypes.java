package io.zodiac.cache.spring;

import java.lang.reflect.Type;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.ResolvableType;

/**
 * The classes whose values the Spring cache bridge stores in a JSON cache and reads back: those of
 * the allowed packages (the application's and {@code zodiac.cache.spring-cache.allowed-packages})
 * and the JDK value types, alone, in arrays, or as the elements of a {@code List}, {@code Set} or
 * {@code Map}; arrays of primitives too.
 *
 * <p>A value's type is written as a <em>type name</em>: the class name
 * ({@code com.example.Forecast}), or a collection with its element classes
 * ({@code java.util.List<com.example.Forecast>}, {@code java.util.Map<java.lang.String,com.example.Forecast>}).
 * Reading checks the name against the allowlist <em>before</em> any class is loaded, and loads an
 * allowed class without initializing it, so a name written by someone else never makes this JVM
 * load, initialize or instantiate a class outside the allowlist.
 */
final class AllowedTypes {

    /** The JDK classes that are always allowed: scalars, numbers, {@code java.time} values and UUID. */
    static final Set<String> JDK_VALUE_TYPES = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Character", "java.lang.Byte", "java.lang.Short",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.math.BigDecimal", "java.math.BigInteger", "java.util.UUID",
            "java.time.Instant", "java.time.LocalDate", "java.time.LocalTime", "java.time.LocalDateTime",
            "java.time.OffsetDateTime", "java.time.OffsetTime", "java.time.ZonedDateTime", "java.time.Duration",
            "java.time.Period", "java.time.Year", "java.time.YearMonth", "java.time.MonthDay",
            "java.time.DayOfWeek", "java.time.Month", "java.time.ZoneOffset");

    private static final String LIST = "java.util.List";
    private static final String SET = "java.util.Set";
    private static final String MAP = "java.util.Map";

    private final List<String> packages;
    private final ClassLoader classLoader;
    /** Resolved types of allowed type names; names that resolve to nothing are not kept. */
    private final ConcurrentHashMap<String, Type> resolved = new ConcurrentHashMap<>();

    /**
     * @param packages the packages whose classes (and those of their subpackages) are allowed
     * @param classLoader the loader of the application's classes
     */
    AllowedTypes(Collection<String> packages, ClassLoader classLoader) {
        this.packages = packages.stream().map(String::trim).filter(name -> !name.isEmpty())
                .map(name -> name.endsWith(".") ? name : name + ".").distinct().toList();
        this.classLoader = classLoader;
    }

    /** The packages allowed besides the JDK value types, each ending with a dot. */
    List<String> packages() {
        return packages;
    }

    /**
     * The type name of {@code value} (not null).
     *
     * @throws NotAllowedException when its class, or one of its elements', is not allowed, or when a
     *     collection holds elements of several classes (there is no single type to read them back as)
     */
    String typeName(Object value) {
        if (value instanceof List<?> list) {
            return LIST + "<" + elementName(list, value) + ">";
        }
        if (value instanceof Set<?> set) {
            return SET + "<" + elementName(set, value) + ">";
        }
        if (value instanceof Map<?, ?> map) {
            return MAP + "<" + elementName(map.keySet(), value) + "," + elementName(map.values(), value) + ">";
        }
        return className(value.getClass());
    }

    /** The one class of the non-null elements, or {@code java.lang.String} for none (an empty collection). */
    private String elementName(Collection<?> elements, Object container) {
        Class<?> found = null;
        for (Object element : elements) {
            if (element == null) {
                continue;
            }
            Class<?> type = element instanceof Enum<?> constant ? constant.getDeclaringClass() : element.getClass();
            if (found == null) {
                found = type;
            } else if (found != type) {
                throw new NotAllowedException(container.getClass().getName() + " of " + found.getName() + " and "
                        + type.getName(), "its elements are of several classes, and a cached collection is read back "
                        + "as a collection of one class");
            }
        }
        return found == null ? "java.lang.String" : className(found);
    }

    private String className(Class<?> type) {
        if (!type.isEnum() && type.getSuperclass() != null && type.getSuperclass().isEnum()) {
            type = type.getSuperclass(); // an enum constant with a body
        }
        String name = type.getName(); // arrays: [B, [Lcom.example.Forecast;
        if (!allowed(name)) {
            throw new NotAllowedException(name, "it is neither a JDK value type nor in the allowed packages "
                    + packages + " (zodiac.cache.spring-cache.allowed-packages)");
        }
        return name;
    }

    /**
     * The type that {@code typeName} stands for.
     *
     * @throws NotAllowedException when it names a class outside the allowlist, a class that does not
     *     exist, or is not a type name at all
     */
    Type resolve(String typeName) {
        Type type = resolved.get(typeName);
        if (type != null) {
            return type;
        }
        type = parse(typeName);
        resolved.putIfAbsent(typeName, type);
        return type;
    }

    private Type parse(String typeName) {
        int open = typeName.indexOf('<');
        if (open < 0) {
            return load(typeName);
        }
        if (!typeName.endsWith(">")) {
            throw new NotAllowedException(typeName, "it is not a type name");
        }
        String container = typeName.substring(0, open);
        String[] elements = typeName.substring(open + 1, typeName.length() - 1).split(",", -1);
        Class<?> raw = switch (container) {
            case LIST -> List.class;
            case SET -> Set.class;
            case MAP -> Map.class;
            default -> throw new NotAllowedException(typeName, "only java.util.List, Set and Map carry element types");
        };
        int expected = raw == Map.class ? 2 : 1;
        if (elements.length != expected) {
            throw new NotAllowedException(typeName, "it is not a type name");
        }
        Class<?>[] arguments = new Class<?>[expected];
        for (int i = 0; i < expected; i++) {
            arguments[i] = load(elements[i]);
        }
        return ResolvableType.forClassWithGenerics(raw, arguments).getType();
    }

    /** The class {@code name}, checked by name first, loaded without running its static initializer. */
    private Class<?> load(String name) {
        if (!allowed(name)) {
            throw new NotAllowedException(name, "it is neither a JDK value type nor in the allowed packages "
                    + packages + " (zodiac.cache.spring-cache.allowed-packages)");
        }
        try {
            return Class.forName(name, false, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new NotAllowedException(name, "no such class here (" + e + ")");
        }
    }

    /** Whether the class called {@code name} may be read: a JDK value type, or in an allowed package. */
    boolean allowed(String name) {
        if (name.startsWith("[")) {
            String component = name.substring(name.lastIndexOf('[') + 1);
            if (component.length() == 1) {
                return "ZBCSIJFD".contains(component); // an array of primitives
            }
            return component.startsWith("L") && component.endsWith(";")
                    && allowed(component.substring(1, component.length() - 1));
        }
        if (JDK_VALUE_TYPES.contains(name)) {
            return true;
        }
        for (String prefix : packages) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /** A value whose class is not allowed: not stored, or read as a miss. */
    static final class NotAllowedException extends RuntimeException {

        private final String typeName;

        NotAllowedException(String typeName, String reason) {
            super("class " + typeName + " is not cached through Spring's cache abstraction: " + reason, null, false, false);
            this.typeName = typeName;
        }

        /** The type name concerned, the unit in which refusals are logged once. */
        String typeName() {
            return typeName;
        }
    }
}
