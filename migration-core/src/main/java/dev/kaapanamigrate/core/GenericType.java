package dev.kaapanamigrate.core;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Captures a generic type such as {@code List<String>} at compile time, for {@link ContextKey#of(String, GenericType)}:
 * create an anonymous subclass and the type argument is read from it. JDK types only, as JDBI's {@code GenericType}.
 *
 * <pre>{@code
 * ContextKey<List<String>> buckets = ContextKey.of("minio.buckets", new GenericType<List<String>>() { });
 * }</pre>
 *
 * @param <T> the captured type
 */
public abstract class GenericType<T> {

    private final Type type;

    /**
     * Reads the type argument of the anonymous subclass.
     *
     * @throws ConfigurationException when the subclass gives no type argument
     */
    protected GenericType() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized)) {
            throw new ConfigurationException("GenericType needs its type argument: write new GenericType<List<String>>() { }.");
        }
        this.type = parameterized.getActualTypeArguments()[0];
    }

    /**
     * The captured type.
     *
     * @return for example {@code java.util.List<java.lang.String>}
     */
    public final Type type() {
        return type;
    }

    @Override
    public String toString() {
        return "GenericType(" + type.getTypeName() + ")";
    }
}
