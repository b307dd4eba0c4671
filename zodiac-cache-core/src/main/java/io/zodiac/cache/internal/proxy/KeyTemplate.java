package io.zodiac.cache.internal.proxy;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A compiled key template of {@code @Cached}, {@code @CacheInvalidate} or {@code @CacheUpdate}:
 * literal text and placeholders, {@code {0}} (an argument by index), {@code {id}} (by parameter
 * name) and {@code {user.id}} / {@code {0.id}} (a path of record components, getters and public
 * fields). Everything is resolved once, against the parameters' declared types, when the proxy is
 * created; a call only reads the values and writes them as text.
 *
 * <p>Values become text as follows: {@code String}s and other {@code CharSequence}s as they are;
 * primitives, their wrappers, {@code BigInteger} by {@code String.valueOf}; {@code BigDecimal} by
 * {@code toPlainString()}; enums by {@code name()}; {@code UUID} and {@code java.time} values by
 * {@code toString()}; {@code null}, anywhere on a path, as {@code null}. A placeholder must end at
 * one of these types, so that a key never depends on an object's {@code toString()}.
 */
final class KeyTemplate {

    private final String template;
    /** Literal text ({@code String}) and placeholders ({@link Placeholder}), in order. */
    private final Object[] parts;

    private KeyTemplate(String template, Object[] parts) {
        this.template = template;
        this.parts = parts;
    }

    /** A value read from one argument by a path of accessors. */
    private record Placeholder(int index, Member[] path) {
    }

    /**
     * Compiles {@code template} for the parameters of {@code method}.
     *
     * @param annotation the annotation, for messages ({@code @Cached})
     * @throws IllegalArgumentException naming the method, the placeholder and the fix
     */
    static KeyTemplate compile(String annotation, Method method, String template) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int at = 0;
        while (at < template.length()) {
            char c = template.charAt(at);
            if (c == '}') {
                throw invalid(annotation, method, template, "a '}' at index " + at + " closes no placeholder");
            }
            if (c != '{') {
                literal.append(c);
                at++;
                continue;
            }
            int end = template.indexOf('}', at);
            if (end < 0) {
                throw invalid(annotation, method, template, "the '{' at index " + at + " is not closed");
            }
            String placeholder = template.substring(at + 1, end);
            if (placeholder.contains("{")) {
                throw invalid(annotation, method, template, "the '{' at index " + at + " is not closed before the next '{'");
            }
            if (literal.length() > 0) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(placeholder(annotation, method, template, placeholder));
            at = end + 1;
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new KeyTemplate(template, parts.toArray());
    }

    /** The key of one call. */
    String render(Object[] args) {
        StringBuilder key = new StringBuilder(template.length() + 16);
        for (Object part : parts) {
            if (part instanceof String text) {
                key.append(text);
            } else {
                Placeholder placeholder = (Placeholder) part;
                append(key, read(args[placeholder.index()], placeholder.path()));
            }
        }
        return key.toString();
    }

    @Override
    public String toString() {
        return template;
    }

    // ---------------------------------------------------------------- compile

    private static Placeholder placeholder(String annotation, Method method, String template, String text) {
        if (text.isBlank()) {
            throw invalid(annotation, method, template, "the placeholder {} is empty: use {0} for the first argument or {name}");
        }
        String[] steps = text.split("\\.", -1);
        Parameter[] parameters = method.getParameters();
        int index = parameterIndex(annotation, method, template, text, steps[0], parameters);
        Class<?> type = parameters[index].getType();
        Member[] path = new Member[steps.length - 1];
        for (int i = 1; i < steps.length; i++) {
            Member member = accessor(type, steps[i]);
            if (member == null) {
                throw invalid(annotation, method, template, "{" + text + "}: " + type.getName() + " has no record component, "
                        + "getter (get" + capitalized(steps[i]) + "(), is" + capitalized(steps[i]) + "(), " + steps[i]
                        + "()) or public field '" + steps[i] + "'");
            }
            if (!((AccessibleObject) member).trySetAccessible()) {
                throw invalid(annotation, method, template, "{" + text + "}: " + member + " cannot be called from zodiac-cache; "
                        + "make " + type.getName() + " public or open its package to io.zodiac.cache");
            }
            path[i - 1] = member;
            type = member instanceof Method m ? m.getReturnType() : ((Field) member).getType();
        }
        if (!valueType(type)) {
            throw invalid(annotation, method, template, "{" + text + "} ends at a " + type.getName()
                    + ", which has no stable text form; continue the path to a value ({" + text + ".id}, say: strings, "
                    + "numbers, booleans, characters, enums, UUID, java.time values) or use a keyBuilder");
        }
        return new Placeholder(index, path);
    }

    private static int parameterIndex(String annotation, Method method, String template, String text, String first,
            Parameter[] parameters) {
        if (!first.isEmpty() && first.chars().allMatch(Character::isDigit)) {
            int index = first.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(first);
            if (index >= parameters.length) {
                throw invalid(annotation, method, template, "{" + text + "}: there is no argument #" + first + "; the method takes "
                        + parameters.length + " (numbered from 0)");
            }
            return index;
        }
        if (parameters.length > 0 && !parameters[0].isNamePresent()) {
            throw invalid(annotation, method, template, "{" + text + "} names a parameter, but " + method.getDeclaringClass().getName()
                    + " was compiled without parameter names: compile it with javac -parameters (Maven: maven-compiler-plugin "
                    + "<parameters>true</parameters>; Gradle: options.compilerArgs << '-parameters'), or use {"
                    + "0" + text.substring(first.length()) + "} (by index)");
        }
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].getName().equals(first)) {
                return i;
            }
        }
        throw invalid(annotation, method, template, "{" + text + "}: '" + first + "' is not a parameter; the parameters are "
                + Arrays.stream(parameters).map(Parameter::getName).toList());
    }

    /** A record component's accessor, a getter or a public field of {@code type} called {@code name}; {@code null} when none. */
    private static Member accessor(Class<?> type, String name) {
        if (name.isEmpty() || type.isPrimitive() || type.isArray()) {
            return null;
        }
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                if (component.getName().equals(name)) {
                    return component.getAccessor();
                }
            }
        }
        for (String candidate : List.of("get" + capitalized(name), "is" + capitalized(name), name)) {
            Method getter = publicGetter(type, candidate);
            if (getter != null && (!candidate.startsWith("is") || candidate.equals(name)
                    || getter.getReturnType() == boolean.class || getter.getReturnType() == Boolean.class)) {
                return getter;
            }
        }
        try {
            Field field = type.getField(name);
            return Modifier.isStatic(field.getModifiers()) ? null : field;
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static Method publicGetter(Class<?> type, String name) {
        try {
            Method method = type.getMethod(name);
            return method.getReturnType() == void.class || Modifier.isStatic(method.getModifiers())
                    || method.getDeclaringClass() == Object.class ? null : method;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static String capitalized(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The types a placeholder may end at: those with a stable text form. */
    static boolean valueType(Class<?> type) {
        return type.isPrimitive() || CharSequence.class.isAssignableFrom(type) || type == Integer.class || type == Long.class
                || type == Short.class || type == Byte.class || type == Double.class || type == Float.class
                || type == Boolean.class || type == Character.class || type == BigInteger.class || type == BigDecimal.class
                || type.isEnum() || type == UUID.class || type.getName().startsWith("java.time.");
    }

    private static IllegalArgumentException invalid(String annotation, Method method, String template, String problem) {
        return new IllegalArgumentException(annotation + " " + CachedMethod.describe(method) + ": key \"" + template + "\": " + problem);
    }

    // ---------------------------------------------------------------- render

    private static Object read(Object value, Member[] path) {
        Object current = value;
        for (Member step : path) {
            if (current == null) {
                return null;
            }
            try {
                current = step instanceof Method m ? m.invoke(current) : ((Field) step).get(current);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException unchecked) {
                    throw unchecked;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(step + " threw " + cause + " while a cache key was built", cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + step + " for a cache key", e);
            }
        }
        return current;
    }

    private static void append(StringBuilder key, Object value) {
        if (value instanceof CharSequence text) {
            key.append(text);
        } else if (value instanceof Enum<?> constant) {
            key.append(constant.name());
        } else if (value instanceof BigDecimal decimal) {
            key.append(decimal.toPlainString());
        } else {
            key.append(value); // null, numbers, booleans, characters, UUID, java.time: String.valueOf
        }
    }
}
