package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How far a journal can be trusted for the installation as it is now. A journal is bound when every run it records
 * migrated this installation (same root folder: device and inode); a journal of another installation is refused as a
 * whole; an unbound one (written before journals recorded their installation) is trusted only where a step can be
 * checked again.
 *
 * @param bound    whether the journal belongs to this installation
 * @param mismatch when the journal belongs to another installation: the problem; else {@code null}
 */
record JournalTrust(boolean bound, Problem mismatch) {

    static JournalTrust assess(StateStore store, JournalState journal) {
        if (store.installationRoot().isEmpty() || !journal.hasRuns()) {
            return new JournalTrust(true, null);
        }
        Optional<InstallationIdentity> then = journal.installation();
        if (then.isEmpty()) {
            return new JournalTrust(false, null);
        }
        Optional<InstallationIdentity> now = store.installation();
        if (now.isPresent() && then.get().sameFolder(now.get())) {
            return new JournalTrust(true, null);
        }
        return new JournalTrust(false, Problem.of(CoreErrorCode.JOURNAL_MISMATCH,
                "the journal in " + store + " was written for the installation " + then.get().describe()
                        + ", but this plan migrates " + now.map(InstallationIdentity::describe)
                        .orElse(store.installationRoot().get() + " (which cannot be read)"),
                "a journal of this installation",
                "if the installation was restored from a backup or the state directory belongs to another installation, "
                        + "move the state directory aside (mv " + store + " " + store + ".old) and run again; otherwise "
                        + "configure this installation's own state directory"));
    }

    /**
     * The problem of a step the journal records as verified, though it belongs to a state the platform has left and the
     * journal is not bound to this installation.
     */
    static Problem unboundLeftState(StateStore store, String stepId, PlatformState stepState, PlatformState now) {
        return Problem.of(CoreErrorCode.JOURNAL_MISMATCH,
                "the journal in " + store + " records step '" + stepId + "' (state " + stepState + ") as verified, but "
                        + "it does not say which installation it belongs to (written by an older version), and the step "
                        + "cannot be checked again now that the platform is " + now.description(),
                "a journal bound to this installation, or the platform in state " + stepState,
                "if this journal belongs to this installation as it is, bring the platform back to " + stepState
                        + " and run again; if not, move the state directory aside (mv " + store + " " + store
                        + ".old) and run again");
    }

    /**
     * The problem of a step the journal records as verified whose check now finds work to do.
     */
    static Problem contradicted(StateStore store, String stepId, JournalState.Mark mark, StepCheck now) {
        String found;
        if (now instanceof StepCheck.Pending p) {
            found = "finds work to do: " + p.changes().stream().limit(3).map(c -> c.describe())
                    .collect(Collectors.joining("; ")) + (p.changes().size() > 3 ? "; …" : "");
        } else if (now instanceof StepCheck.Blocked b) {
            found = "is blocked: " + b.problem().found();
        } else {
            found = "cannot confirm it (" + now.getClass().getSimpleName() + ")";
        }
        return Problem.of(CoreErrorCode.JOURNAL_MISMATCH,
                "the journal in " + store + " records step '" + stepId + "' as verified by run " + mark.runId() + " at "
                        + mark.at() + ", but its check now " + found,
                "the installation as the journal describes it",
                "the installation changed since that run (restored from a backup?): if so, move the state directory "
                        + "aside (mv " + store + " " + store + ".old) and run again, and every step is checked afresh");
    }
}
