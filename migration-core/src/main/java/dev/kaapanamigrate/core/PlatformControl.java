package dev.kaapanamigrate.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Moves the platform between {@link PlatformState}s for a plan. The plan calls {@link #current()} before a
 * group of steps and, when the platform is in an earlier state than the steps need, the transition
 * methods: from {@code SOURCE_RUNNING} to {@code UNDEPLOYED} {@link #undeploy()} then
 * {@link #awaitUndeployed(Duration)}, from {@code UNDEPLOYED} to {@code TARGET_RUNNING} {@link #deploy()}
 * then {@link #awaitReady(Duration)}.
 *
 * <p>Callers who drive the platform themselves use {@link #assumeState(PlatformState)}: the plan runs the
 * steps of that state and, when it needs another, stops with status {@link PlanStatus#PAUSED} naming the
 * state; move the platform and run the plan again with the new state (the journal resumes it).
 *
 * <pre>{@code
 * MigrationPlan plan = MigrationPlan.builder()
 *         .steps(steps)
 *         .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
 *         .stateDirectory(fastDataDir.resolve(".kaapana-migrate"))
 *         .build();
 * }</pre>
 */
public interface PlatformControl {

    /**
     * The state the platform is in now.
     *
     * @return the current state
     */
    PlatformState current();

    /**
     * Starts undeploying the old version. The default cannot: it throws a {@link PlatformCannotMoveException},
     * which makes the plan pause. Any other exception fails the run.
     */
    default void undeploy() {
        throw new PlatformCannotMoveException(current(), PlatformState.UNDEPLOYED);
    }

    /**
     * Waits until nothing of the platform runs any more.
     *
     * @param timeout how long to wait at most
     */
    default void awaitUndeployed(Duration timeout) {
    }

    /**
     * Starts deploying the new version. The default cannot: it throws a {@link PlatformCannotMoveException},
     * which makes the plan pause. Any other exception fails the run.
     */
    default void deploy() {
        throw new PlatformCannotMoveException(current(), PlatformState.TARGET_RUNNING);
    }

    /**
     * Waits until the new version's services answer.
     *
     * @param timeout how long to wait at most
     */
    default void awaitReady(Duration timeout) {
    }

    /**
     * A control for callers who move the platform themselves: it reports {@code state} and cannot move.
     *
     * @param state the state the platform is in
     * @return the control
     */
    static PlatformControl assumeState(PlatformState state) {
        Objects.requireNonNull(state, "state");
        return new PlatformControl() {
            @Override
            public PlatformState current() {
                return state;
            }

            @Override
            public String toString() {
                return "PlatformControl.assumeState(" + state + ")";
            }
        };
    }
}
