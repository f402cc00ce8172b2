package dev.kaapanamigrate.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one step ended in a run.
 *
 * @param stepId       the step id
 * @param description  the step's description
 * @param state        the platform state the step needs
 * @param status       how it ended
 * @param changes      the changes apply made (empty unless applied)
 * @param verification the verification, or {@code null} when verify did not run
 * @param duration     how long check, apply and verify took
 * @param errorCode    the error code when blocked or failed, else {@code null}
 * @param message      what happened, in one or two sentences, or {@code null}
 * @param problem      when blocked or failed: what was found, what was expected and the fix; else {@code null}
 */
public record StepResult(String stepId, String description, PlatformState state, StepStatus status,
                         List<Change> changes, Verification verification, Duration duration,
                         ErrorCode errorCode, String message, Problem problem) {

    /**
     * Validates the components and copies the list.
     *
     * @param stepId       the step id
     * @param description  the description
     * @param state        the platform state
     * @param status       the status
     * @param changes      the changes
     * @param verification the verification or {@code null}
     * @param duration     the duration
     * @param errorCode    the error code or {@code null}
     * @param message      the message or {@code null}
     * @param problem      the problem or {@code null}
     */
    public StepResult {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(duration, "duration");
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    /**
     * A result without a structured problem (its code and message stand alone).
     *
     * @param stepId       the step id
     * @param description  the description
     * @param state        the platform state
     * @param status       the status
     * @param changes      the changes
     * @param verification the verification or {@code null}
     * @param duration     the duration
     * @param errorCode    the error code or {@code null}
     * @param message      the message or {@code null}
     */
    public StepResult(String stepId, String description, PlatformState state, StepStatus status, List<Change> changes,
                      Verification verification, Duration duration, ErrorCode errorCode, String message) {
        this(stepId, description, state, status, changes, verification, duration, errorCode, message, null);
    }
}
