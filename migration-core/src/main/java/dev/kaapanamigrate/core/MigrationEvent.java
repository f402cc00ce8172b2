package dev.kaapanamigrate.core;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The events a plan sends to its {@link MigrationListener}s. All are immutable records.
 */
public sealed interface MigrationEvent permits MigrationEvent.PlanStarted, MigrationEvent.PlanFinished,
        MigrationEvent.StepStarted, MigrationEvent.StepFinished, MigrationEvent.StepProgress,
        MigrationEvent.PlatformTransition {

    /**
     * A run started (a dry-run sends no plan events, only progress).
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
    }

    /**
     * A step started.
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
