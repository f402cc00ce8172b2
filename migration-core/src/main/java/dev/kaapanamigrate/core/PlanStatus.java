package dev.kaapanamigrate.core;

/** How a run of a plan ended. */
public enum PlanStatus {
    /** Every step is done and verified. */
    SUCCEEDED,
    /**
     * Every step is done and verified, but some guarantees could not be proven (a store without a client, say); the
     * result lists them ({@link MigrationResult#unproven()}). Not a failure: nothing is left to do, but less is known.
     */
    INCOMPLETE,
    /** A step's check refused to run; that step changed nothing. Fix the problem and run again. */
    BLOCKED,
    /** A step failed or its verification failed. */
    FAILED,
    /**
     * The next steps need another platform state and the {@link PlatformControl} cannot move the platform
     * there: move it yourself and run again; the journal resumes the plan.
     */
    PAUSED
}
