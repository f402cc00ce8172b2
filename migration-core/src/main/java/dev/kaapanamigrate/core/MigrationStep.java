package dev.kaapanamigrate.core;

import java.util.List;

/**
 * One unit of a migration, for example moving the PostgreSQL data folders or migrating one database.
 * A step can always
 * <ul>
 *   <li>{@link #check(MigrationContext) check}: read-only, it says exactly what apply would change;</li>
 *   <li>{@link #apply(MigrationContext) apply}: idempotent, safe to call again after a crash at any point;</li>
 *   <li>{@link #verify(MigrationContext) verify}: proves the step's postcondition and that nothing was lost.</li>
 * </ul>
 * Steps never call each other and never name each other: they share facts through
 * {@link MigrationContext#put(ContextKey, Object)}, and the plan that composes them says which must run first
 * ({@link MigrationPlan.Builder#step(MigrationStep, String...)}). A step can be run alone with {@link StepRunner}.
 *
 * <pre>{@code
 * final class CreateMarker implements MigrationStep {
 *     public String id() { return "demo.create-marker"; }
 *     public String description() { return "Create the marker file"; }
 *     public StepCheck check(MigrationContext ctx) {
 *         return Files.exists(marker) ? StepCheck.upToDate("marker exists")
 *                 : StepCheck.pending(List.of(Change.of(Change.Kind.CREATE, marker.toString())));
 *     }
 *     public List<Change> apply(MigrationContext ctx) { ... write the marker atomically ...; return changes; }
 *     public Verification verify(MigrationContext ctx) {
 *         return Verification.builder().expect("marker exists", true, Files.exists(marker)).build();
 *     }
 * }
 * }</pre>
 */
public interface MigrationStep {

    /**
     * A stable id: lower-case words separated by {@code .} or {@code -}, for example
     * {@code postgres.rename-data-folders}. It is written to journals and reports; never rename it.
     *
     * @return the id
     */
    String id();

    /**
     * One line saying what the step does.
     *
     * @return the description
     */
    String description();

    /**
     * Whether the step may be left out when a run starts after the platform has left the step's state (a baseline
     * meant for "0.4 running" when the caller starts with the platform already undeployed, say): then the plan
     * reports it {@link StepStatus#SKIPPED} with this reason instead of refusing the run. Steps whose work is needed
     * say nothing (the default), and a run that starts past their state is refused.
     *
     * @return the reason to report, including what stands in for the step; empty when it may not be skipped
     */
    default java.util.Optional<String> optionalOnceStatePassed() {
        return java.util.Optional.empty();
    }

    /**
     * The platform state the step needs for apply and verify.
     *
     * @return the state; {@link PlatformState#UNDEPLOYED} by default, where no service writes concurrently
     */
    default PlatformState requiredState() {
        return PlatformState.UNDEPLOYED;
    }

    /**
     * Finds out, without changing anything, what apply would do.
     *
     * @param ctx the context
     * @return up to date, pending with the exact changes, blocked with a fix, or deferred to another state
     */
    StepCheck check(MigrationContext ctx);

    /**
     * Makes the changes. Must be idempotent: after a crash at any point, a new check reports what is left
     * and a new apply completes it.
     *
     * @param ctx the context
     * @return the changes made
     */
    List<Change> apply(MigrationContext ctx);

    /**
     * Proves the step's postcondition and that nothing was lost.
     *
     * @param ctx the context
     * @return the facts checked
     */
    Verification verify(MigrationContext ctx);
}
