package dev.kaapanamigrate.assertions;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.Verification;
import java.util.ArrayList;
import java.util.List;

/**
 * Assertions on a migration's result ({@link MigrationAssertions#assertThatMigration}). Each returns this object, so
 * they chain.
 */
public final class MigrationResultAssert {

    private final MigrationResult result;

    MigrationResultAssert(MigrationResult result) {
        this.result = result;
    }

    /**
     * The run succeeded: every step done and verified, every guarantee proven.
     *
     * @return this
     * @throws AssertionError naming the status, the run's message and the steps that did not end well
     */
    public MigrationResultAssert succeeded() {
        if (result.status() != PlanStatus.SUCCEEDED) {
            List<String> out = new ArrayList<>(stepsNotDone());
            out.addAll(result.unproven().stream().map(u -> "not proven: " + u).toList());
            throw Messages.failure("Expected the migration to have succeeded, but it ended " + result.status()
                    + (result.message() == null ? "" : ": " + result.message()) + " (" + Messages.count(out.size(),
                    "finding") + ")", out);
        }
        return this;
    }

    /**
     * The run did everything it had to: {@code SUCCEEDED}, or {@code INCOMPLETE} (every step done, some guarantees not
     * proven, for example a store whose client was not given).
     *
     * @return this
     * @throws AssertionError naming the status and the steps that did not end well
     */
    public MigrationResultAssert completed() {
        if (result.status() != PlanStatus.SUCCEEDED && result.status() != PlanStatus.INCOMPLETE) {
            List<String> out = stepsNotDone();
            throw Messages.failure("Expected the migration to have completed (SUCCEEDED or INCOMPLETE), but it ended "
                    + result.status() + (result.message() == null ? "" : ": " + result.message()) + " ("
                    + Messages.count(out.size(), "step") + " not done)", out);
        }
        return this;
    }

    /**
     * Every step is done and its verification passed (run now or earlier); a step without a verification counts as not
     * verified.
     *
     * @return this
     * @throws AssertionError naming each step that is not, with its failing facts
     */
    public MigrationResultAssert allStepsVerified() {
        List<String> out = new ArrayList<>();
        for (StepResult s : result.steps()) {
            if (!s.status().isDone()) {
                out.add(describe(s));
            } else if (s.verification() == null) {
                out.add(s.stepId() + ": " + s.status() + " without a verification");
            } else if (!s.verification().passed()) {
                out.add(s.stepId() + ": verification failed: " + facts(s.verification().failures()));
            }
        }
        if (!out.isEmpty()) {
            throw Messages.failure("Expected every step of the migration to be verified, but "
                    + Messages.count(out.size(), "step") + " of " + result.steps().size() + " are not:", out);
        }
        return this;
    }

    /**
     * No guarantee is left unproven (no store without its client, no baseline missing).
     *
     * @return this
     * @throws AssertionError listing the unproven guarantees
     */
    public MigrationResultAssert hasNoUnprovenGuarantees() {
        List<String> unproven = result.unproven();
        if (!unproven.isEmpty()) {
            throw Messages.failure("Expected every guarantee of the migration to be proven, but "
                    + Messages.count(unproven.size(), "guarantee") + " are not:", unproven);
        }
        return this;
    }

    /**
     * The plan had this step and it is done.
     *
     * @param stepId the step id, for example {@code kaapana.consistency}
     * @return this
     * @throws AssertionError when the step is missing or did not end well
     */
    public MigrationResultAssert ranStep(String stepId) {
        StepResult s = result.step(stepId).orElseThrow(() -> new AssertionError("Expected the migration to have run "
                + "step " + stepId + ", but it has no such step; its steps: " + String.join(", ", result.steps().stream()
                .map(StepResult::stepId).toList())));
        if (!s.status().isDone()) {
            throw new AssertionError("Expected step " + stepId + " to be done, but: " + describe(s));
        }
        return this;
    }

    private List<String> stepsNotDone() {
        return result.steps().stream().filter(s -> !s.status().isDone()).map(MigrationResultAssert::describe).toList();
    }

    private static String describe(StepResult s) {
        String why = s.problem() != null ? s.problem().found() + " (expected: " + s.problem().expected() + "; fix: "
                + s.problem().fix() + ")" : s.message();
        String facts = s.verification() == null || s.verification().passed() ? ""
                : "; failing: " + facts(s.verification().failures());
        return s.stepId() + ": " + s.status() + (why == null ? "" : ": " + why) + facts;
    }

    private static String facts(List<Verification.Fact> facts) {
        return String.join("; ", facts.stream().map(f -> f.name() + " (expected " + f.expected() + ", found "
                + f.actual() + ")").toList());
    }
}
