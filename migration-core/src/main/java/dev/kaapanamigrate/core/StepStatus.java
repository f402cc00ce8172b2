package dev.kaapanamigrate.core;

/** How a step ended in a run. */
public enum StepStatus {
    /** Check found changes; apply made them and verify passed. */
    APPLIED,
    /** Check found nothing to do and verify passed. */
    UP_TO_DATE,
    /** The journal records that an earlier run verified the step; it was not run again. */
    VERIFIED_EARLIER,
    /** Check refused to run the step; nothing of it was changed. */
    BLOCKED,
    /** Check, apply or verify threw. */
    FAILED,
    /** Verify found a difference. */
    VERIFICATION_FAILED,
    /** The run stopped before reaching the step. */
    NOT_RUN;

    /**
     * Whether the step's postcondition holds after this run.
     *
     * @return {@code true} for applied, up to date and verified earlier
     */
    public boolean isDone() {
        return this == APPLIED || this == UP_TO_DATE || this == VERIFIED_EARLIER;
    }
}
