package dev.kaapanamigrate.core;

/**
 * Receives the events of a plan: start and end of a run, a verify-only pass or a dry-run, of each step, progress, and
 * platform transitions. Every typed method by default hands its event to {@link #onEvent(MigrationEvent)}, which does
 * nothing by default: implement {@code onEvent} to see everything in one place, or only the typed methods you need.
 * A listener that throws never breaks a run: the plan logs the exception and goes on. {@link LoggingListener} logs
 * every event through SLF4J.
 *
 * <pre>{@code
 * MigrationListener progressBar = new MigrationListener() {
 *     public void stepProgress(MigrationEvent.StepProgress e) {
 *         bar.update(e.stepId(), e.done(), e.total());
 *     }
 * };
 * MigrationListener jsonLines = new MigrationListener() {
 *     public void onEvent(MigrationEvent e) { out.println(toJson(e)); }     // every event
 * };
 * }</pre>
 */
public interface MigrationListener {

    /** A listener that ignores everything. */
    MigrationListener NONE = new MigrationListener() {
    };

    /**
     * Receives every event whose typed method is not overridden; does nothing by default.
     *
     * @param event the event
     */
    default void onEvent(MigrationEvent event) {
    }

    /**
     * A run or verify-only pass started.
     *
     * @param event the event
     */
    default void planStarted(MigrationEvent.PlanStarted event) {
        onEvent(event);
    }

    /**
     * A run or verify-only pass finished.
     *
     * @param event the event
     */
    default void planFinished(MigrationEvent.PlanFinished event) {
        onEvent(event);
    }

    /**
     * A dry-run started.
     *
     * @param event the event
     */
    default void previewStarted(MigrationEvent.PreviewStarted event) {
        onEvent(event);
    }

    /**
     * A dry-run finished.
     *
     * @param event the event
     */
    default void previewFinished(MigrationEvent.PreviewFinished event) {
        onEvent(event);
    }

    /**
     * A step started (in a dry-run: its check).
     *
     * @param event the event
     */
    default void stepStarted(MigrationEvent.StepStarted event) {
        onEvent(event);
    }

    /**
     * A step finished (whatever its status).
     *
     * @param event the event
     */
    default void stepFinished(MigrationEvent.StepFinished event) {
        onEvent(event);
    }

    /**
     * A dry-run checked a step.
     *
     * @param event the event
     */
    default void stepChecked(MigrationEvent.StepChecked event) {
        onEvent(event);
    }

    /**
     * A step reported progress.
     *
     * @param event the event
     */
    default void stepProgress(MigrationEvent.StepProgress event) {
        onEvent(event);
    }

    /**
     * The plan started moving the platform to another state.
     *
     * @param event the event
     */
    default void platformTransition(MigrationEvent.PlatformTransition event) {
        onEvent(event);
    }

    /**
     * Hands an event to the typed method of its kind.
     *
     * @param listener the listener
     * @param event    the event
     */
    static void dispatch(MigrationListener listener, MigrationEvent event) {
        if (event instanceof MigrationEvent.PlanStarted e) {
            listener.planStarted(e);
        } else if (event instanceof MigrationEvent.PlanFinished e) {
            listener.planFinished(e);
        } else if (event instanceof MigrationEvent.PreviewStarted e) {
            listener.previewStarted(e);
        } else if (event instanceof MigrationEvent.PreviewFinished e) {
            listener.previewFinished(e);
        } else if (event instanceof MigrationEvent.StepStarted e) {
            listener.stepStarted(e);
        } else if (event instanceof MigrationEvent.StepFinished e) {
            listener.stepFinished(e);
        } else if (event instanceof MigrationEvent.StepChecked e) {
            listener.stepChecked(e);
        } else if (event instanceof MigrationEvent.StepProgress e) {
            listener.stepProgress(e);
        } else if (event instanceof MigrationEvent.PlatformTransition e) {
            listener.platformTransition(e);
        }
    }
}
