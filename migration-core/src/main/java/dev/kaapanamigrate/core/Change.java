package dev.kaapanamigrate.core;

import java.util.Objects;

/**
 * One concrete change a step would make (in a check) or made (in apply): for example a folder move, a
 * schema revision, or {@code count} rows rewritten in a table.
 *
 * <pre>{@code
 * Change.of(Change.Kind.MOVE, "FAST_DATA_DIR", "postgres-backend", "kaapana-backend-postgres-data", 1);
 * Change.of(Change.Kind.UPDATE, "kaapana-backend.job.dag_id", "import-dicoms-in-zip-to-internal-pacs",
 *         "import-dicoms-from-data-upload", 1234);
 * }</pre>
 *
 * @param kind   what sort of change
 * @param target what is changed (a path, a table, a bucket, an index, a setting)
 * @param before the value or state before, or {@code null} when not meaningful
 * @param after  the value or state after, or {@code null} when not meaningful
 * @param count  how many items the change covers (rows, objects, documents), at least 1
 */
public record Change(Kind kind, String target, String before, String after, long count) {

    /** The sort of change. */
    public enum Kind {
        /** Something new is created. */
        CREATE,
        /** Something existing is modified in place. */
        UPDATE,
        /** Something is removed. */
        DELETE,
        /** Something is moved or renamed without copying. */
        MOVE,
        /** The structure (schema, mapping, layout) changes. */
        SCHEMA
    }

    /**
     * Validates the components.
     *
     * @param kind   what sort of change
     * @param target what is changed
     * @param before the value before, or {@code null}
     * @param after  the value after, or {@code null}
     * @param count  how many items, at least 1
     */
    public Change {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count + " for " + target);
        }
    }

    /**
     * Creates a change.
     *
     * @param kind   what sort of change
     * @param target what is changed
     * @param before the value before, or {@code null}
     * @param after  the value after, or {@code null}
     * @param count  how many items, at least 1
     * @return the change
     */
    public static Change of(Kind kind, String target, String before, String after, long count) {
        return new Change(kind, target, before, after, count);
    }

    /**
     * Creates a single-item change without before/after values.
     *
     * @param kind   what sort of change
     * @param target what is changed
     * @return the change
     */
    public static Change of(Kind kind, String target) {
        return new Change(kind, target, null, null, 1);
    }

    /**
     * One line for logs and summaries.
     *
     * @return for example {@code "MOVE FAST/a -> FAST/b"} or {@code "UPDATE job.dag_id x -> y (1234)"}
     */
    public String describe() {
        StringBuilder s = new StringBuilder(kind.name()).append(' ').append(target);
        if (before != null || after != null) {
            s.append(": ").append(before == null ? "-" : before).append(" -> ").append(after == null ? "-" : after);
        }
        if (count != 1) {
            s.append(" (").append(count).append(')');
        }
        return s.toString();
    }
}
