package dev.kaapanamigrate.core;

import java.util.List;
import java.util.Objects;

/**
 * What a step's read-only {@code check} found. One of:
 * <ul>
 *   <li>{@link UpToDate}: nothing to do, the step's work is already done;</li>
 *   <li>{@link Pending}: apply would make exactly these changes;</li>
 *   <li>{@link Blocked}: the step cannot run safely; the problem says what was found and how to fix it;</li>
 *   <li>{@link Deferred}: the step can only be checked in another platform state (a dry-run never guesses);</li>
 *   <li>{@link Waiting}: in a dry-run, the step can only be checked once steps it depends on are applied; in a run's
 *   look-ahead, the step has checked what could block it and counts its changes in its own check;</li>
 *   <li>{@link Skipped}: set by the plan, never returned by a step: the step's platform state has passed and the step
 *   may be left out ({@link MigrationStep#optionalOnceStatePassed()}).</li>
 * </ul>
 * A dry-run reports a step as waiting by itself when its check throws while one of its dependencies still
 * has work to do.
 *
 * <pre>{@code
 * if (moves.isEmpty()) return StepCheck.upToDate("all five folders are at their 0.5 names");
 * return StepCheck.pending(moves);
 * }</pre>
 */
public sealed interface StepCheck permits StepCheck.UpToDate, StepCheck.Pending, StepCheck.Blocked, StepCheck.Deferred,
        StepCheck.Waiting, StepCheck.Skipped {

    /**
     * The step's work is already done.
     *
     * @param detail why the step is up to date
     */
    record UpToDate(String detail) implements StepCheck {
        /**
         * Validates the component.
         *
         * @param detail why the step is up to date
         */
        public UpToDate {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * Apply would make exactly these changes; the notes say what the operator should know that is no change (for
     * example a folder that is kept because it holds other files).
     *
     * @param changes the changes, never empty
     * @param notes   what stays as it is and why, possibly none
     */
    record Pending(List<Change> changes, List<String> notes) implements StepCheck {
        /**
         * Validates and copies the components.
         *
         * @param changes the changes, never empty
         * @param notes   the notes, {@code null} for none
         */
        public Pending {
            changes = List.copyOf(changes);
            notes = notes == null ? List.of() : List.copyOf(notes);
            if (changes.isEmpty()) {
                throw new IllegalArgumentException("a pending check needs at least one change; use StepCheck.upToDate(...)");
            }
        }

        /**
         * Changes without notes.
         *
         * @param changes the changes, never empty
         */
        public Pending(List<Change> changes) {
            this(changes, List.of());
        }
    }

    /**
     * The step cannot run safely; nothing was changed.
     *
     * @param problem what was found, what was expected and the fix
     */
    record Blocked(Problem problem) implements StepCheck {
        /**
         * Validates the component.
         *
         * @param problem what was found, what was expected and the fix
         */
        public Blocked {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /**
     * The step can only be checked in another platform state.
     *
     * @param state  the state in which it can be checked
     * @param reason why it cannot be checked now
     */
    record Deferred(PlatformState state, String reason) implements StepCheck {
        /**
         * Validates the components.
         *
         * @param state  the state in which it can be checked
         * @param reason why it cannot be checked now
         */
        public Deferred {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The step can only be checked after steps it depends on are applied; only meaningful in a dry-run, or in a run's
     * look-ahead ({@link MigrationContext#provisional()} without {@link MigrationContext#dryRun()}), where a step that
     * found nothing that blocks it may leave its counting to its own check: the look-ahead checks it again before the
     * next change, and the step's own check must not wait.
     *
     * @param stepIds the dependencies that still have work to do
     * @param reason  why the check needs them
     */
    record Waiting(List<String> stepIds, String reason) implements StepCheck {
        /**
         * Validates and copies the components.
         *
         * @param stepIds the dependencies
         * @param reason  why
         */
        public Waiting {
            stepIds = List.copyOf(stepIds);
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The plan leaves the step out: its platform state has passed and the step says it may be skipped then.
     *
     * @param reason why the step may be left out, and what stands in for it
     */
    record Skipped(String reason) implements StepCheck {
        /**
         * Validates the component.
         *
         * @param reason why
         */
        public Skipped {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The step's work is already done.
     *
     * @param detail why
     * @return an up-to-date check
     */
    static StepCheck upToDate(String detail) {
        return new UpToDate(detail);
    }

    /**
     * Apply would make these changes; an empty list means up to date.
     *
     * @param changes the changes
     * @return a pending check, or an up-to-date one when {@code changes} is empty
     */
    static StepCheck pending(List<Change> changes) {
        return changes.isEmpty() ? new UpToDate("nothing to change") : new Pending(changes);
    }

    /**
     * Apply would make these changes, and the notes say what stays as it is; an empty list of changes means up to
     * date, with the notes as its detail.
     *
     * @param changes the changes
     * @param notes   what the operator should know that is no change
     * @return a pending check, or an up-to-date one when {@code changes} is empty
     */
    static StepCheck pending(List<Change> changes, List<String> notes) {
        if (changes.isEmpty()) {
            return new UpToDate(notes.isEmpty() ? "nothing to change" : "nothing to change; " + String.join("; ", notes));
        }
        return new Pending(changes, notes);
    }

    /**
     * The step cannot run safely.
     *
     * @param code     the error code
     * @param found    what was found
     * @param expected what was expected
     * @param fix      how to fix it
     * @return a blocked check
     */
    static StepCheck blocked(ErrorCode code, String found, String expected, String fix) {
        return new Blocked(Problem.of(code, found, expected, fix));
    }

    /**
     * The step can only be checked in another platform state.
     *
     * @param state  that state
     * @param reason why not now
     * @return a deferred check
     */
    static StepCheck deferred(PlatformState state, String reason) {
        return new Deferred(state, reason);
    }

    /**
     * The step can only be checked after these dependencies are applied.
     *
     * @param stepIds the dependencies
     * @param reason  why
     * @return a waiting check
     */
    static StepCheck waitingFor(List<String> stepIds, String reason) {
        return new Waiting(stepIds, reason);
    }

    /**
     * The changes apply would make; empty unless {@link Pending}.
     *
     * @return the changes
     */
    default List<Change> changes() {
        return this instanceof Pending p ? p.changes() : List.of();
    }
}
