package dev.kaapanamigrate.kaapana;

import java.util.Objects;

/**
 * One before/after count of a run report: how many rows, objects or documents a table, bucket or index held before the
 * migration changed anything and after it, read from the facts the steps verified ({@link KaapanaReport#counts()}).
 *
 * <pre>{@code
 * for (StoreCount c : KaapanaReport.of(result).counts()) {
 *     log.info("{}", c.store() + " " + c.project() + " " + c.item() + ": " + c.before() + " -> " + c.after());
 * }
 * }</pre>
 *
 * @param store      the store: {@code PostgreSQL}, {@code MinIO} or {@code OpenSearch}
 * @param project    the project the item belongs to ({@code project-radiology} → {@code radiology}), the database of a
 *                   table ({@code backend}), or {@code (global)} for an item of no project
 * @param item       the table ({@code backend.dataset}), bucket or index
 * @param unit       what is counted: {@code rows}, {@code objects} or {@code documents}
 * @param before     the count before the migration changed anything, or {@code null} when no fact tells it
 * @param after      the count after, or {@code null} when no fact tells it (the step did not verify yet)
 * @param passed     whether the facts it comes from passed
 * @param stepId     the step whose verification tells the after value (or the before value when there is no after)
 * @param beforeText the fact's text the before value was read from (empty when none)
 * @param afterText  the fact's text the after value was read from (empty when none)
 */
public record StoreCount(String store, String project, String item, String unit, Long before, Long after,
                         boolean passed, String stepId, String beforeText, String afterText) {

    /**
     * Validates the components.
     *
     * @param store      the store
     * @param project    the project or database
     * @param item       the table, bucket or index
     * @param unit       what is counted
     * @param before     the count before, or {@code null}
     * @param after      the count after, or {@code null}
     * @param passed     whether its facts passed
     * @param stepId     the step
     * @param beforeText the text of the before value
     * @param afterText  the text of the after value
     */
    public StoreCount {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(stepId, "stepId");
        beforeText = beforeText == null ? "" : beforeText;
        afterText = afterText == null ? "" : afterText;
    }
}
