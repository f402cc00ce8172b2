package dev.kaapanamigrate.core;

/**
 * Receives the events of a plan: start and end of the plan and of each step, progress, and platform
 * transitions. Every method has a no-op default, so implement only what you need. A listener that throws
 * never breaks a run: the plan logs the exception and goes on.
 *
 * <pre>{@code
 * MigrationListener progressBar = new MigrationListener() {
 *     public void stepProgress(MigrationEvent.StepProgress e) {
 *         bar.update(e.stepId(), e.done(), e.total());
 *     }
 * };
 * }</pre>
 */
public interface MigrationListener {

    /** A listener that ignores everything. */
    MigrationListener NONE = new MigrationListener() {
    };

    /**
     * A run started.
     *
     * @param event the event
     */
    default void planStarted(MigrationEvent.PlanStarted event) {
    }

    /**
     * A run finished.
     *
     * @param event the event
     */
    default void planFinished(MigrationEvent.PlanFinished event) {
    }

    /**
     * A step started.
     *
     * @param event the event
     */
    default void stepStarted(MigrationEvent.StepStarted event) {
    }

    /**
     * A step finished.
     *
     * @param event the event
     */
    default void stepFinished(MigrationEvent.StepFinished event) {
    }

    /**
     * A step reported progress.
     *
     * @param event the event
     */
    default void stepProgress(MigrationEvent.StepProgress event) {
    }

    /**
     * The plan started moving the platform to another state.
     *
     * @param event the event
     */
    default void platformTransition(MigrationEvent.PlatformTransition event) {
    }
}
