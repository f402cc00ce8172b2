package dev.kaapanamigrate.core;

/** How a step ended in a run or in a verify-only pass ({@link MigrationPlan#verify()}). */
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
    /** The run stopped before reaching the step, or the step's platform state was not reached. */
    NOT_RUN,
    /**
     * The run started after the step's platform state had passed and the step says it may be left out then
     * ({@link MigrationStep#optionalOnceStatePassed()}); the result's message gives its reason.
     */
    SKIPPED,
    /** A verify-only pass ({@link MigrationPlan#verify()}) proved the step's verification. */
    VERIFIED;

    /**
     * Whether the step's postcondition holds after this run.
     *
     * @return {@code true} for applied, up to date, verified earlier and verified
     */
    public boolean isDone() {
        return this == APPLIED || this == UP_TO_DATE || this == VERIFIED_EARLIER || this == VERIFIED;
    }
}
