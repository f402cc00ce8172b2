package dev.kaapanamigrate.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.Verification;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What the journal says after replaying it: the installation it belongs to, verified steps (with the facts proven),
 * interrupted steps and context values.
 */
public final class JournalState {

    /**
     * Where and when a step was verified or started.
     *
     * @param runId        the run
     * @param at           when
     * @param verification the facts proven, when verified by a journal of version 2; else {@code null}
     */
    public record Mark(UUID runId, Instant at, Verification verification) {
    }

    private InstallationIdentity installation;
    private boolean hasRuns;
    private final Map<String, Mark> verified = new HashMap<>();
    private final Map<String, Mark> inFlight = new HashMap<>();
    private final Map<String, JsonNode> values = new LinkedHashMap<>();

    /**
     * An independent copy, for readers that must not see later appends.
     *
     * @return the copy
     */
    public JournalState copy() {
        JournalState c = new JournalState();
        c.verified.putAll(verified);
        c.inFlight.putAll(inFlight);
        c.values.putAll(values);
        c.installation = installation;
        c.hasRuns = hasRuns;
        return c;
    }

    void apply(JournalEntry e) {
        switch (e.type()) {
            case RUN_STARTED:
                if (!hasRuns) {
                    installation = e.installation();
                } else if (installation != null && !installation.sameFolder(e.installation())) {
                    // a later run of another installation (only possible for unbound plans): the journal is bound to none
                    installation = null;
                }
                hasRuns = true;
                break;
            case STEP_STARTED:
                inFlight.put(e.step(), new Mark(e.runId(), e.at(), null));
                break;
            case STEP_VERIFIED:
                inFlight.remove(e.step());
                verified.put(e.step(), new Mark(e.runId(), e.at(), e.verification()));
                break;
            case STEP_FAILED:
            case STEP_BLOCKED:
                inFlight.remove(e.step());
                break;
            case VALUE:
                values.put(e.key(), e.value());
                break;
            default:
                break;
        }
    }

    /**
     * Whether any run was journaled.
     *
     * @return {@code true} when the journal holds a run
     */
    public boolean hasRuns() {
        return hasRuns;
    }

    /**
     * The installation every journaled run migrated, when they all recorded the same one.
     *
     * @return the identity, or empty (no run, a version 1 journal, or runs of different installations)
     */
    public Optional<InstallationIdentity> installation() {
        return Optional.ofNullable(installation);
    }

    /**
     * When and by which run a step was verified.
     *
     * @param stepId the step
     * @return the mark, or empty
     */
    public Optional<Mark> verified(String stepId) {
        return Optional.ofNullable(verified.get(stepId));
    }

    /**
     * The run that started a step and never finished it (it was killed).
     *
     * @param stepId the step
     * @return the mark, or empty
     */
    public Optional<Mark> interrupted(String stepId) {
        return Optional.ofNullable(inFlight.get(stepId));
    }

    /**
     * The journaled context values, by key name; the last value of a key wins.
     *
     * @return the values
     */
    public Map<String, JsonNode> values() {
        return values;
    }
}
