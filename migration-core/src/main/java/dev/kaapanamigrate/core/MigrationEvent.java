package dev.kaapanamigrate.core;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The events a plan sends to its {@link MigrationListener}s. All are immutable records. A run and a verify-only pass
 * send {@link PlanStarted}, then per step {@link StepStarted}, {@link StepProgress} and {@link StepFinished}, then
 * {@link PlanFinished}; a dry-run sends {@link PreviewStarted}, per step {@link StepStarted}, {@link StepProgress} and
 * {@link StepChecked}, then {@link PreviewFinished}.
 */
public sealed interface MigrationEvent permits MigrationEvent.PlanStarted, MigrationEvent.PlanFinished,
        MigrationEvent.StepStarted, MigrationEvent.StepFinished, MigrationEvent.StepProgress,
        MigrationEvent.PlatformTransition, MigrationEvent.PreviewStarted, MigrationEvent.StepChecked,
        MigrationEvent.PreviewFinished {

    /**
     * The id of the run, verify-only pass or dry-run the event belongs to.
     *
     * @return the run id
     */
    UUID runId();

    /**
     * A run or a verify-only pass started.
     *
     * @param runId   the run id
     * @param at      when
     * @param stepIds the steps in the order they run
     */
    record PlanStarted(UUID runId, Instant at, List<String> stepIds) implements MigrationEvent {
        /**
         * Copies the list.
         *
         * @param runId   the run id
         * @param at      when
         * @param stepIds the steps in order
         */
        public PlanStarted {
            stepIds = List.copyOf(stepIds);
        }
    }

    /**
     * A run finished (whatever its status).
     *
     * @param result the result
     */
    record PlanFinished(MigrationResult result) implements MigrationEvent {
        @Override
        public UUID runId() {
            return result.runId();
        }
    }

    /**
     * A dry-run started.
     *
     * @param runId   the dry-run's id
     * @param at      when
     * @param stepIds the steps in the order they are checked
     */
    record PreviewStarted(UUID runId, Instant at, List<String> stepIds) implements MigrationEvent {
        /**
         * Copies the list.
         *
         * @param runId   the dry-run's id
         * @param at      when
         * @param stepIds the steps in order
         */
        public PreviewStarted {
            stepIds = List.copyOf(stepIds);
        }
    }

    /**
     * A dry-run checked one step.
     *
     * @param runId   the dry-run's id
     * @param preview what the check found
     */
    record StepChecked(UUID runId, StepPreview preview) implements MigrationEvent {
    }

    /**
     * A dry-run finished.
     *
     * @param preview the preview
     */
    record PreviewFinished(PlanPreview preview) implements MigrationEvent {
        @Override
        public UUID runId() {
            return preview.runId();
        }
    }

    /**
     * A step started (in a dry-run: its check started).
     *
     * @param runId  the run id
     * @param stepId the step id
     * @param state  the platform state it runs in
     * @param at     when
     */
    record StepStarted(UUID runId, String stepId, PlatformState state, Instant at) implements MigrationEvent {
    }

    /**
     * A step finished (whatever its status).
     *
     * @param runId  the run id
     * @param result the step's result
     */
    record StepFinished(UUID runId, StepResult result) implements MigrationEvent {
    }

    /**
     * A step reported progress.
     *
     * @param runId  the run id
     * @param stepId the step id
     * @param done   units done
     * @param total  units in all, or -1 when unknown
     * @param unit   what is counted
     * @param item   the unit just finished (a table's name, say), or empty
     */
    record StepProgress(UUID runId, String stepId, long done, long total, String unit, String item)
            implements MigrationEvent {

        /**
         * Replaces a null item by the empty string.
         *
         * @param runId  the run id
         * @param stepId the step id
         * @param done   units done
         * @param total  units in all, or -1 when unknown
         * @param unit   what is counted
         * @param item   the unit just finished, or empty
         */
        public StepProgress {
            item = item == null ? "" : item;
        }

        /**
         * Progress without a named item.
         *
         * @param runId  the run id
         * @param stepId the step id
         * @param done   units done
         * @param total  units in all, or -1 when unknown
         * @param unit   what is counted
         */
        public StepProgress(UUID runId, String stepId, long done, long total, String unit) {
            this(runId, stepId, done, total, unit, "");
        }
    }

    /**
     * The plan started moving the platform to another state (the control accepted the request).
     *
     * @param runId the run id
     * @param from  the state before
     * @param to    the state wanted
     * @param at    when
     */
    record PlatformTransition(UUID runId, PlatformState from, PlatformState to, Instant at) implements MigrationEvent {
    }
}
