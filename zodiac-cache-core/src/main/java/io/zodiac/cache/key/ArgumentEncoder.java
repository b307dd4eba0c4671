package io.zodiac.cache.key;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.ConcurrentModificationException;
import java.util.List;

/**
 * The canonical, type-tagged encoding of key arguments, fed straight into a digest. Every value
 * starts with a tag byte naming its type, so {@code 1}, {@code 1L}, {@code 1.0}, {@code true} and
 * {@code "1"} differ; strings, lists, arrays and records carry their length, so {@code ["a,b"]}
 * and {@code ["a", "b"]} differ. The encoding depends on nothing but the values: it is the same
 * in every JVM and every run.
 *
 * <pre>
 * null                  'N'
 * Boolean               'Z' 0|1
 * Byte, Short           'B' 1 byte, 'S' 2 bytes
 * Integer, Long         'I' 4 bytes, 'J' 8 bytes                     (big-endian)
 * Float, Double         'F' floatToIntBits, 'D' doubleToLongBits     (one NaN; 0.0 and -0.0 differ, as equals says)
 * Character             'C' 2 bytes
 * String                'T' length in chars, each char in 1-3 bytes  (modified UTF-8, char by char: unpaired surrogates stay distinct)
 * enum constant         'E' string(declaring class) string(name)
 * List                  'L' size, values                             (any List class: equal lists, equal keys)
 * Object[]              'A' length, values                           (String[] and Object[] of equal values agree)
 * byte[] ... double[]   'b' 'z' 'c' 's' 'i' 'j' 'f' 'd', length, raw elements
 * record                'R' string(class) count, component values
 * </pre>
 *
 * Lengths and counts are 4-byte big-endian ints. Anything else, or nesting deeper than
 * {@value #MAX_DEPTH} levels (a list that contains itself, say), is {@link Unsupported}.
 * Not thread-safe: one encoder per thread, {@link #reset()} between keys.
 */
final class ArgumentEncoder {

    /** The deepest nesting of lists, arrays and records accepted. */
    static final int MAX_DEPTH = 64;

    private static final ClassValue<RecordShape> RECORDS = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return RecordShape.of(type);
        }
    };

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final MessageDigest digest;
    private final byte[] buffer = new byte[128];
    private int position;

    ArgumentEncoder(MessageDigest digest) {
        this.digest = digest;
    }

    /**
     * Forgets what was written after a key failed half-way: the buffer and the digest start empty.
     * (A finished key needs no reset: reading the digest resets it.)
     */
    void reset() {
        position = 0;
        digest.reset();
    }

    /**
     * Starts a key with {@code prefix} (bytes hashed before the values, shorter than the buffer: a
     * method's seed), held in the buffer with them: a short key reaches the digest in one update.
     */
    void begin(byte[] prefix) {
        System.arraycopy(prefix, 0, buffer, 0, prefix.length);
        position = prefix.length;
    }

    /** Encodes one value of the accepted types, nested values included. */
    void value(Object value) {
        value(value, 0);
    }

    private void value(Object value, int depth) {
        if (value == null) {
            tag('N');
        } else if (value instanceof String s) {
            tag('T');
            string(s);
        } else if (value instanceof Integer i) {
            tag('I');
            int32(i);
        } else if (value instanceof Long l) {
            tag('J');
            int64(l);
        } else if (value instanceof Boolean b) {
            tag('Z');
            int8(b ? 1 : 0);
        } else if (value instanceof Double d) {
            tag('D');
            int64(Double.doubleToLongBits(d));
        } else if (value instanceof Float f) {
            tag('F');
            int32(Float.floatToIntBits(f));
        } else if (value instanceof Character c) {
            tag('C');
            int16(c);
        } else if (value instanceof Byte b) {
            tag('B');
            int8(b);
        } else if (value instanceof Short s) {
            tag('S');
            int16(s);
        } else if (value instanceof Enum<?> e) {
            tag('E');
            string(e.getDeclaringClass().getName());
            string(e.name());
        } else if (value instanceof List<?> list) {
            list(list, nested(depth));
        } else if (value instanceof Object[] array) {
            array(array, nested(depth));
        } else if (value.getClass().isArray()) {
            primitiveArray(value);
        } else if (value instanceof Record record) {
            record(record, nested(depth));
        } else {
            throw new Unsupported(value.getClass(), null);
        }
    }

    private static int nested(int depth) {
        if (depth == MAX_DEPTH) {
            throw new Unsupported(null, "values nested deeper than " + MAX_DEPTH + " levels (a list or array that contains itself?)");
        }
        return depth + 1;
    }

    private void list(List<?> list, int depth) {
        int size = list.size();
        tag('L');
        int32(size);
        int index = 0;
        for (Object element : list) {
            if (index == size) {
                throw new ConcurrentModificationException("a List argument changed while its cache key was built");
            }
            try {
                value(element, depth);
            } catch (Unsupported e) {
                throw e.at("[" + index + "]");
            }
            index++;
        }
        if (index != size) {
            throw new ConcurrentModificationException("a List argument changed while its cache key was built");
        }
    }

    private void array(Object[] array, int depth) {
        tag('A');
        int32(array.length);
        for (int i = 0; i < array.length; i++) {
            try {
                value(array[i], depth);
            } catch (Unsupported e) {
                throw e.at("[" + i + "]");
            }
        }
    }

    private void primitiveArray(Object array) {
        if (array instanceof byte[] a) {
            tag('b');
            int32(a.length);
            bytes(a);
        } else if (array instanceof int[] a) {
            tag('i');
            int32(a.length);
            for (int v : a) {
                int32(v);
            }
        } else if (array instanceof long[] a) {
            tag('j');
            int32(a.length);
            for (long v : a) {
                int64(v);
            }
        } else if (array instanceof char[] a) {
            tag('c');
            int32(a.length);
            for (char v : a) {
                int16(v);
            }
        } else if (array instanceof double[] a) {
            tag('d');
            int32(a.length);
            for (double v : a) {
                int64(Double.doubleToLongBits(v));
            }
        } else if (array instanceof float[] a) {
            tag('f');
            int32(a.length);
            for (float v : a) {
                int32(Float.floatToIntBits(v));
            }
        } else if (array instanceof boolean[] a) {
            tag('z');
            int32(a.length);
            for (boolean v : a) {
                int8(v ? 1 : 0);
            }
        } else {
            short[] a = (short[]) array;
            tag('s');
            int32(a.length);
            for (short v : a) {
                int16(v);
            }
        }
    }

    private void record(Record record, int depth) {
        RecordShape shape = RECORDS.get(record.getClass());
        tag('R');
        string(shape.className);
        int32(shape.accessors.length);
        for (int i = 0; i < shape.accessors.length; i++) {
            try {
                value(shape.read(record, i), depth);
            } catch (Unsupported e) {
                throw e.at("." + shape.names[i]);
            }
        }
    }

    // ---------------------------------------------------------------- raw writes

    private void tag(char tag) {
        int8(tag);
    }

    /**
     * A string: its length in chars, then each char as in modified UTF-8 ({@code DataOutput.writeUTF}):
     * 1 byte for U+0001..U+007F, 2 for U+0000 and U+0080..U+07FF, 3 for the rest, surrogates
     * included one by one. Each char's bytes are prefix-free, so the encoding is injective for
     * every char sequence, and ASCII costs one byte a char.
     */
    void string(String s) {
        int length = s.length();
        int32(length);
        int i = 0;
        if (length <= buffer.length - position) { // the common case: ASCII that fits, no check per char
            int at = position;
            for (; i < length; i++) {
                char c = s.charAt(i);
                if (c == 0 || c >= 0x80) {
                    break;
                }
                buffer[at++] = (byte) c;
            }
            position = at;
        }
        for (; i < length; i++) {
            char c = s.charAt(i);
            if (c != 0 && c < 0x80) {
                int8(c);
            } else if (c < 0x800) {
                room(2);
                buffer[position++] = (byte) (0xc0 | (c >> 6));
                buffer[position++] = (byte) (0x80 | (c & 0x3f));
            } else {
                room(3);
                buffer[position++] = (byte) (0xe0 | (c >> 12));
                buffer[position++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buffer[position++] = (byte) (0x80 | (c & 0x3f));
            }
        }
    }

    void int32(int v) {
        room(4);
        INT.set(buffer, position, v);
        position += 4;
    }

    private void int64(long v) {
        room(8);
        LONG.set(buffer, position, v);
        position += 8;
    }

    private void int16(int v) {
        room(2);
        buffer[position++] = (byte) (v >>> 8);
        buffer[position++] = (byte) v;
    }

    private void int8(int v) {
        room(1);
        buffer[position++] = (byte) v;
    }

    private void bytes(byte[] bytes) {
        flush();
        digest.update(bytes);
    }

    private void room(int bytes) {
        if (position + bytes > buffer.length) {
            flush();
        }
    }

    /** Hands the buffered bytes to the digest; call before reading the digest. */
    void flush() {
        digest.update(buffer, 0, position);
        position = 0;
    }

    // ---------------------------------------------------------------- records

    /** A record class's name, component names and accessors, looked up once per class. */
    private static final class RecordShape {
        final String className;
        final String[] names;
        final Method[] accessors;

        private RecordShape(String className, String[] names, Method[] accessors) {
            this.className = className;
            this.names = names;
            this.accessors = accessors;
        }

        static RecordShape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            String[] names = new String[components.length];
            Method[] accessors = new Method[components.length];
            for (int i = 0; i < components.length; i++) {
                names[i] = components[i].getName();
                accessors[i] = components[i].getAccessor();
                accessors[i].trySetAccessible();
            }
            return new RecordShape(type.getName(), names, accessors);
        }

        Object read(Record record, int component) {
            try {
                return accessors[component].invoke(record);
            } catch (IllegalAccessException e) {
                throw new Unsupported(record.getClass(), "a record whose accessor " + names[component]
                        + "() cannot be called from zodiac-cache (make the record public or open its package)");
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) e.getCause(); // accessors cannot declare checked exceptions
            }
        }
    }

    // ---------------------------------------------------------------- failure

    /**
     * A value the encoding does not accept: its type (or {@code null} when the nesting is the
     * problem), why, and where below the argument it sits ({@code [2].name}).
     */
    static final class Unsupported extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient Class<?> type;
        private final String reason;
        private String path = "";

        Unsupported(Class<?> type, String reason) {
            super(null, null, false, false);
            this.type = type;
            this.reason = reason;
        }

        Unsupported at(String step) {
            path = step + path;
            return this;
        }

        /** The offending type, or {@code null} when the nesting is the problem. */
        Class<?> type() {
            return type;
        }

        /** Why the value is refused, or {@code null} when its type is simply not accepted. */
        String reason() {
            return reason;
        }

        /** Where below the argument the value sits: {@code ""} for the argument itself, {@code [2].name}. */
        String path() {
            return path;
        }
    }
}
