package dev.kaapanamigrate.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.Verification;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One line of the journal. Only the fields of its type are set.
 *
 * @param v            the journal format version
 * @param type         the entry type
 * @param runId        the run
 * @param at           when
 * @param step         the step id (step entries)
 * @param steps        the plan's step ids (run start)
 * @param key          the context key (values)
 * @param value        the context value (values)
 * @param status       the plan status (run end)
 * @param code         the error code (failed or blocked steps)
 * @param message      the message (failed or blocked steps)
 * @param installation the installation the run migrates (run start; absent in version 1 journals)
 * @param verification the facts proven (verified steps; absent in version 1 journals)
 */
public record JournalEntry(int v, Type type, UUID runId, Instant at, String step, List<String> steps, String key,
                           JsonNode value, PlanStatus status, ErrorCode code, String message,
                           InstallationIdentity installation, Verification verification) {

    /** The journal format version written by this code; version 1 is read too. */
    public static final int VERSION = 2;

    /** Entry types. */
    public enum Type {
        /** A run started. */
        RUN_STARTED,
        /** A step started (written before its check). */
        STEP_STARTED,
        /** A step's apply returned. */
        STEP_APPLIED,
        /** A step's verification passed: the step is done. */
        STEP_VERIFIED,
        /** A step's check refused to run. */
        STEP_BLOCKED,
        /** A step failed. */
        STEP_FAILED,
        /** A context value was put. */
        VALUE,
        /** A run ended. */
        RUN_FINISHED
    }

    static boolean readable(int version) {
        return version == 1 || version == VERSION;
    }

    static JournalEntry of(Type type, UUID runId, Instant at, String step) {
        return new JournalEntry(VERSION, type, runId, at, step, null, null, null, null, null, null, null, null);
    }

    static JournalEntry runStarted(UUID runId, Instant at, List<String> steps, InstallationIdentity installation) {
        return new JournalEntry(VERSION, Type.RUN_STARTED, runId, at, null, steps, null, null, null, null, null,
                installation, null);
    }

    static JournalEntry runFinished(UUID runId, Instant at, PlanStatus status, ErrorCode code) {
        return new JournalEntry(VERSION, Type.RUN_FINISHED, runId, at, null, null, null, null, status, code, null, null,
                null);
    }

    static JournalEntry verified(UUID runId, Instant at, String step, Verification verification) {
        return new JournalEntry(VERSION, Type.STEP_VERIFIED, runId, at, step, null, null, null, null, null, null, null,
                verification);
    }

    /** A blocked or failed step. */
    static JournalEntry stepStopped(Type type, UUID runId, Instant at, String step, ErrorCode code, String message) {
        return new JournalEntry(VERSION, type, runId, at, step, null, null, null, null, code, message, null, null);
    }

    static JournalEntry value(UUID runId, Instant at, String step, String key, JsonNode value) {
        return new JournalEntry(VERSION, Type.VALUE, runId, at, step, null, key, value, null, null, null, null, null);
    }
}
