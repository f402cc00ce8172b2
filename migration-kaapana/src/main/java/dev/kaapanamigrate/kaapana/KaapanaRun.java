package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.Problem;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link KaapanaMigration#run()} did: the plan's result, the state the installation is left in, what to do next to
 * finish or to undo, and the automatic restore when one ran.
 *
 * <pre>{@code
 * KaapanaRun run = KaapanaMigration.configure(fast).backupDirectory(backupDisk).restoreOnFailure(true)
 *         .platformControl(control).run();
 * if (!run.result().succeeded()) {
 *     log.warn("{}", run.summary());      // the state, the problem and the next steps
 * }
 * }</pre>
 *
 * @param result         the plan's result
 * @param installation   the state the installation is left in
 * @param nextSteps      what to do next, in order, each a sentence; empty when nothing is left to do
 * @param restoreResult  the automatic restore, or {@code null} when none ran
 * @param restoreProblem why an automatic restore that was due did not happen or failed, or {@code null}
 */
public record KaapanaRun(MigrationResult result, InstallationState installation, List<String> nextSteps,
                         RestoreResult restoreResult, Problem restoreProblem) {

    /**
     * Validates the components and copies the list.
     *
     * @param result         the result
     * @param installation   the state
     * @param nextSteps      the next steps
     * @param restoreResult  the restore or {@code null}
     * @param restoreProblem the restore's problem or {@code null}
     */
    public KaapanaRun {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(installation, "installation");
        nextSteps = List.copyOf(nextSteps);
    }

    /**
     * The automatic restore, when one ran and was proven.
     *
     * @return the restore
     */
    public Optional<RestoreResult> restore() {
        return Optional.ofNullable(restoreResult);
    }

    /**
     * A few lines for an operator: the run's status, the installation's state, what stopped the run, the restore and
     * the next steps.
     *
     * @return the summary
     */
    public String summary() {
        StringBuilder s = new StringBuilder("Migration ").append(result.status()).append(" in ")
                .append(result.duration().toSeconds()).append(" s. Installation: ").append(installation.description())
                .append(".\n");
        result.problem().ifPresent(p -> s.append("Stopped by ").append(p.code().code()).append(": ").append(p.found())
                .append(".\n"));
        if (restoreResult != null) {
            s.append(restoreResult.summary());
        }
        if (restoreProblem != null) {
            s.append("Automatic restore not done (").append(restoreProblem.code().code()).append("): ")
                    .append(restoreProblem.found()).append(".\n");
        }
        for (int i = 0; i < nextSteps.size(); i++) {
            s.append(i + 1).append(". ").append(nextSteps.get(i)).append('\n');
        }
        return s.toString();
    }
}
