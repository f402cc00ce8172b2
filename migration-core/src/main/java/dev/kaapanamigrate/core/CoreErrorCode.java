package dev.kaapanamigrate.core;

/**
 * The error codes of the engine itself ({@code migration-core}). Their code strings are the constant names, without a
 * module prefix (they were the only codes of format version 1 reports); every other module's codes carry the module's
 * prefix, for example {@code PGSERVER_DATABASE_SERVER}.
 *
 * <pre>{@code
 * try {
 *     plan.run().orThrow();
 * } catch (MigrationException e) {
 *     if (e.code() == CoreErrorCode.CONCURRENT_RUN) { ... }
 * }
 * }</pre>
 */
public enum CoreErrorCode implements ErrorCode {
    /** A configuration value is missing or invalid. */
    CONFIGURATION_INVALID("The configuration is missing a value or holds an invalid one.",
            "Correct the named option; the message shows what to write."),
    /** The plan cannot be built: duplicate step ids, unknown dependencies, cycles or state order. */
    PLAN_INVALID("The plan's steps do not form a valid plan.",
            "Fix the step ids or dependencies named in the message."),
    /** Something the migration needs before it can touch anything is not so; nothing was changed. */
    PRECONDITION_FAILED("A precondition does not hold; nothing was changed.",
            "Do what the message says, then run again."),
    /** The platform is not in the state a step needs, and the plan cannot move it there. */
    PLATFORM_STATE("The platform is not in the state the next step needs.",
            "Move the platform to the named state (or give the plan a PlatformControl that can), then run again."),
    /** A value a step reads from the context was never put there. */
    CONTEXT_VALUE_MISSING("A step needs a value that an earlier step should have put into the context.",
            "Add the step that produces the value to the plan, and declare it in dependsOn()."),
    /** A step's check, apply or verify threw an unexpected error. */
    STEP_FAILED("A step failed while it ran.",
            "Read the message and the cause; the step is safe to run again once the cause is fixed."),
    /** A step's verification did not hold after it ran. */
    VERIFICATION_FAILED("A step's verification found a difference between what was expected and what is there.",
            "Do not continue; compare the facts in the report and restore from the backup if data is missing."),
    /** Another run holds the lock on the same state directory. */
    CONCURRENT_RUN("Another migration run holds the lock.",
            "Wait for the other run to finish; a lock of a process that died is taken over automatically."),
    /** The journal file cannot be read as a journal. */
    JOURNAL_CORRUPT("The journal file is damaged.",
            "Move the journal file aside; every step checks its own state, so a new run is safe."),
    /**
     * The journal does not describe the installation it is found with: it belongs to another installation, or the
     * installation changed since (restored from a backup), so what it records as done cannot be trusted.
     */
    JOURNAL_MISMATCH("The journal does not describe this installation as it is now.",
            "If you restored the installation from a backup or the state directory belongs to another installation, "
                    + "move the state directory aside and run again; a new run checks every step afresh."),
    /** The journal or lock file cannot be written. */
    JOURNAL_IO("The journal or lock file cannot be read or written.",
            "Make the state directory writable and check free space."),
    /** A report file cannot be read or written. */
    REPORT_INVALID("A report cannot be written or read.",
            "Check the path, and that the file is a kaapana-migrate report of a supported format version.");

    private final String summary;
    private final String remedy;

    CoreErrorCode(String summary, String remedy) {
        this.summary = summary;
        this.remedy = remedy;
    }

    /**
     * The code string: the constant's name.
     *
     * @return for example {@code PRECONDITION_FAILED}
     */
    @Override
    public String code() {
        return name();
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String remedy() {
        return remedy;
    }
}
