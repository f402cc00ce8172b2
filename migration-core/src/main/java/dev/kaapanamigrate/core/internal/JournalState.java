package dev.kaapanamigrate.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What the journal says after replaying it: verified steps, interrupted steps and context values. */
public final class JournalState {

    /**
     * Where and when a step was verified or started.
     *
     * @param runId the run
     * @param at    when
     */
    public record Mark(UUID runId, Instant at) {
    }

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
        return c;
    }

    void apply(JournalEntry e) {
        switch (e.type()) {
            case STEP_STARTED:
                inFlight.put(e.step(), new Mark(e.runId(), e.at()));
                break;
            case STEP_VERIFIED:
                inFlight.remove(e.step());
                verified.put(e.step(), new Mark(e.runId(), e.at()));
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
