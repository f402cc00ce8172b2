package dev.kaapanamigrate.core;

import dev.kaapanamigrate.core.internal.Ids;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A typed name for a value that steps share through the {@link MigrationContext}, for example the project
 * list read from the databases or a baseline taken while the old version ran. During a run every value put
 * into the context is also written to the journal as JSON, so a run resumed in a new process sees it again:
 * values must therefore be plain data that Jackson can write and read (records, lists, maps, strings,
 * numbers) and must never hold secrets.
 *
 * <pre>{@code
 * public static final ContextKey<ProjectList> PROJECTS = ContextKey.of("postgres.projects", ProjectList.class);
 * public static final ContextKey<List<String>> BUCKETS =
 *         ContextKey.of("minio.buckets", new GenericType<List<String>>() { });
 * }</pre>
 *
 * @param <T> the value type
 */
public final class ContextKey<T> {

    private final String name;
    private final Type type;

    private ContextKey(String name, Type type) {
        if (!Ids.isStableName(Objects.requireNonNull(name, "name"))) {
            throw new ConfigurationException("Context key name '" + name + "' is invalid; expected lower-case words "
                    + "separated by '.' or '-', for example \"postgres.projects\".");
        }
        this.name = name;
        this.type = Objects.requireNonNull(type, "type");
    }

    /**
     * A key for a value of a plain class.
     *
     * @param name a unique, stable name such as {@code "postgres.projects"}
     * @param type the value class
     * @param <T>  the value type
     * @return the key
     */
    public static <T> ContextKey<T> of(String name, Class<T> type) {
        return new ContextKey<>(name, type);
    }

    /**
     * A key for a value of a generic type such as {@code List<String>}.
     *
     * @param name a unique, stable name
     * @param type the value type
     * @param <T>  the value type
     * @return the key
     */
    public static <T> ContextKey<T> of(String name, GenericType<T> type) {
        return new ContextKey<>(name, type.type());
    }

    /**
     * The key's name, as written to the journal.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The value type.
     *
     * @return the Java type of the value
     */
    public Type type() {
        return type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContextKey<?> k && k.name.equals(name) && k.type.equals(type);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "ContextKey(" + name + ": " + type.getTypeName() + ")";
    }
}
