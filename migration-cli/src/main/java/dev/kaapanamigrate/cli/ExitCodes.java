package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.StepStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** The documented exit codes of {@code kaapana-migrate}. */
final class ExitCodes {

    /** Done: the run succeeded, the dry-run found nothing that blocks, the report was rendered. */
    static final int OK = 0;
    /** A step failed (or something unexpected went wrong); the report says what and how to go on. */
    static final int FAILED = 1;
    /** Bad usage: an unknown or missing option, a secret given as a plain argument, a folder that does not exist. */
    static final int USAGE = 2;
    /** A check refused to run a step (the dry-run found a blocker, a restore was refused): nothing was changed there. */
    static final int BLOCKED = 3;
    /** A verification failed: something the migration must keep is not as it was. */
    static final int VERIFICATION_FAILED = 4;
    /** Paused: the next steps need the platform in another state; move it and run {@code resume}. */
    static final int PAUSED = 5;
    /** Done, but some guarantees were not proven (a store without credentials); the report lists them. */
    static final int INCOMPLETE = 6;
    /** Another run holds the lock of this installation. */
    static final int CONCURRENT_RUN = 7;
    /** Interrupted (Ctrl-C): the journal resumes the run. */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The codes and their meaning, for {@code --help}. */
    static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(OK), "done: succeeded / nothing blocks / rendered");
        m.put(Integer.toString(FAILED), "a step failed (the report says what, and how to go on)");
        m.put(Integer.toString(USAGE), "bad usage (unknown option, secret given as an argument, missing folder)");
        m.put(Integer.toString(BLOCKED), "blocked: a check refused a step; nothing was changed there");
        m.put(Integer.toString(VERIFICATION_FAILED), "a verification failed");
        m.put(Integer.toString(PAUSED), "paused: move the platform to the state named, then resume");
        m.put(Integer.toString(INCOMPLETE), "done, but some guarantees were not proven (see the report)");
        m.put(Integer.toString(CONCURRENT_RUN), "another run holds the lock of this installation");
        m.put(Integer.toString(INTERRUPTED), "interrupted (Ctrl-C); resume continues");
        return m;
    }

    /** The exit code of a run's or a verify-only pass's result. */
    static int of(MigrationResult result) {
        if (result.steps().stream().anyMatch(s -> s.status() == StepStatus.VERIFICATION_FAILED)) {
            return VERIFICATION_FAILED;
        }
        return switch (result.status()) {
            case SUCCEEDED -> OK;
            case INCOMPLETE -> INCOMPLETE;
            case BLOCKED -> BLOCKED;
            case PAUSED -> PAUSED;
            case FAILED -> FAILED;
        };
    }
}
