package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.postgres.BackendReferencesStep;
import dev.kaapanamigrate.postgres.MigrateAccessInformationStep;
import dev.kaapanamigrate.postgres.MigrateBackendStep;
import dev.kaapanamigrate.postgres.MigrateDicomWebFilterStep;
import dev.kaapanamigrate.postgres.RenameDataFoldersStep;
import dev.kaapanamigrate.postgres.RolePasswordStep;
import dev.kaapanamigrate.postgres.WriteVersionStep;
import dev.kaapanamigrate.workflows.RewriteWorkflowsStep;
import dev.kaapanamigrate.domain.DataFolderMove;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges what state a run of the Kaapana plan left the installation in, restores from the verified backup when asked
 * and allowed, and says how to finish or undo. Reads only the step results and the platform control: a step that may
 * have changed the data counts as a change (when in doubt, the installation is not the 0.4 it was).
 */
final class RunAssessor {

    private static final Logger LOG = LoggerFactory.getLogger(RunAssessor.class);

    /** The steps that change FAST_DATA_DIR's data (the backup, baselines and inventories write elsewhere). */
    private static final Set<String> CHANGING = Set.of(RenameDataFoldersStep.ID, RolePasswordStep.ID,
            MigrateAccessInformationStep.ID, MigrateDicomWebFilterStep.ID, MigrateBackendStep.ID, BackendReferencesStep.ID,
            RewriteWorkflowsStep.ID, OrphanedFoldersStep.ID, WriteVersionStep.ID);
    /** A step in one of these may have changed something (a failed apply may have stopped half-way). */
    private static final Set<StepStatus> MAY_HAVE_CHANGED = EnumSet.of(StepStatus.APPLIED, StepStatus.FAILED,
            StepStatus.VERIFICATION_FAILED, StepStatus.VERIFIED_EARLIER);

    private final Path fastDataDir;
    private final Path stateDirectory;
    private final BackupOptions backup;
    private final boolean restoreOnFailure;
    private final PlatformControl control;

    RunAssessor(Path fastDataDir, Path stateDirectory, BackupOptions backup, boolean restoreOnFailure,
            PlatformControl control) {
        this.fastDataDir = fastDataDir;
        this.stateDirectory = stateDirectory;
        this.backup = backup;
        this.restoreOnFailure = restoreOnFailure;
        this.control = control;
    }

    KaapanaRun assess(MigrationResult result) {
        boolean deployed = ranIn(result, PlatformState.TARGET_RUNNING) || currentState().orElse(null)
                == PlatformState.TARGET_RUNNING;
        InstallationState state = dataState(result, deployed);
        boolean failed = result.status() == PlanStatus.FAILED || result.status() == PlanStatus.BLOCKED;
        RestoreResult restored = null;
        Problem restoreProblem = null;
        if (failed && restoreOnFailure && (state == InstallationState.PARTLY_MIGRATED
                || state == InstallationState.MIGRATED_NOT_DEPLOYED)) {
            if (!backupTaken(result)) {
                restoreProblem = Problem.of(KaapanaErrorCode.RESTORE_REFUSED, "the run stopped before its backup was "
                        + "verified", "a verified backup from this run", "restore your own copy of FAST_DATA_DIR");
            } else {
                try {
                    LOG.warn("The run {} after changing the installation: restoring from the verified backup {}",
                            result.status(), backup.directory());
                    restored = KaapanaBackup.of(backup).restore(fastDataDir, RestoreOptions.defaults()
                            .refusingWhenRunning(control).withStateDirectory(stateDirectory)
                            .withThreads(backup.threads()));
                    state = InstallationState.RESTORED;
                } catch (MigrationException e) {
                    restoreProblem = e.problem().orElseGet(() -> Problem.of(KaapanaErrorCode.RESTORE_FAILED,
                            e.getMessage(), "a proven restore", "restore by hand from " + backup.directory()));
                    LOG.error("The automatic restore did not happen: {}", e.getMessage());
                }
            }
        } else if (failed && restoreOnFailure && state == InstallationState.DEPLOYED_NOT_PROVEN) {
            restoreProblem = Problem.of(KaapanaErrorCode.RESTORE_REFUSED, "0.5 was deployed and has written to the "
                    + "migrated data", "a failure before deploy", "undeploy 0.5 first, then restore by hand");
        }
        return new KaapanaRun(result, state, nextSteps(result, state, restored), restored, restoreProblem);
    }

    private InstallationState dataState(MigrationResult result, boolean deployed) {
        boolean marked = result.step(WriteVersionStep.ID).map(s -> s.status().isDone()).orElse(false);
        if (marked && deployed) {
            return result.succeeded() ? InstallationState.MIGRATED : InstallationState.DEPLOYED_NOT_PROVEN;
        }
        if (marked) {
            return InstallationState.MIGRATED_NOT_DEPLOYED;
        }
        boolean changed = result.steps().stream().anyMatch(s -> CHANGING.contains(s.stepId())
                && MAY_HAVE_CHANGED.contains(s.status()))
                // folders under their 0.5 names (this run or an earlier one moved them): what the installation shows
                // outranks what the steps reported, as for a resumed run blocked before its first step
                || movedFolderPresent();
        return changed ? InstallationState.PARTLY_MIGRATED : InstallationState.AS_BEFORE;
    }

    private boolean movedFolderPresent() {
        for (DataFolderMove move : DataFolderMove.values()) {
            if (Files.exists(fastDataDir.resolve(move.to()), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ranIn(MigrationResult result, PlatformState state) {
        return result.steps().stream().anyMatch(s -> s.state() == state && s.status() != StepStatus.NOT_RUN
                && s.status() != StepStatus.SKIPPED);
    }

    private static boolean backupTaken(MigrationResult result) {
        return result.step(BackupStep.ID).map(s -> s.status().isDone()).orElse(false);
    }

    private Optional<PlatformState> currentState() {
        if (control == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(control.current());
        } catch (RuntimeException e) {
            LOG.warn("Cannot tell the platform's state after the run: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private List<String> nextSteps(MigrationResult result, InstallationState state, RestoreResult restored) {
        List<String> next = new ArrayList<>();
        Optional<Problem> problem = result.problem();
        String fix = problem.map(p -> "Fix what stopped the run (" + p.code().code() + ", see above: " + p.fix() + ")")
                .orElse(null);
        String undo = backup != null && backupTaken(result)
                ? "To undo instead: restore the verified backup " + backup.directory()
                + " (KaapanaBackup.of(options).restore(fastDataDir, RestoreOptions.defaults()), or the command line's "
                + "restore), then deploy 0.4 again."
                : "To undo instead: put back your own copy of " + fastDataDir + " taken before the run (this run took "
                + "no backup), then deploy 0.4 again.";
        switch (state) {
            case AS_BEFORE -> {
                if (fix != null) {
                    next.add(fix + ", then run again.");
                } else if (result.status() == PlanStatus.PAUSED) {
                    next.add(paused(result));
                }
                next.add("Or deploy 0.4 again: nothing was changed.");
            }
            case PARTLY_MIGRATED -> {
                next.add("Keep the platform undeployed: neither 0.4 nor 0.5 may start on partly migrated data.");
                next.add((fix != null ? fix + ", then run" : "Run") + " again: the run goes on where this one stopped.");
                next.add(undo);
            }
            case RESTORED -> {
                next.add("Deploy 0.4 again, or " + (fix != null ? fix.substring(0, 1).toLowerCase(java.util.Locale.ROOT)
                        + fix.substring(1) + " and run again" : "run again") + ": the journal was moved aside ("
                        + restored.stateDirectoryMovedTo().map(Path::toString).orElse("none") + "), a new run starts "
                        + "fresh.");
                next.add("What the failed run had made is kept in " + restored.asideDirectory()
                        + "; remove it once you no longer need it.");
            }
            case MIGRATED_NOT_DEPLOYED -> {
                if (fix != null) {
                    next.add(fix + ".");
                }
                next.add("Deploy 0.5.2 (its deploy_platform.sh), then run again: the steps that need 0.5 running "
                        + "verify every store against the baselines.");
                next.add(undo);
            }
            case DEPLOYED_NOT_PROVEN -> {
                if (fix != null) {
                    next.add(fix + ", then run again (or plan.verify() for the checks only).");
                }
                if (!result.unproven().isEmpty()) {
                    next.add("Not proven by this run: " + String.join("; ", result.unproven())
                            + ". Give the missing clients and run again to prove them.");
                }
                next.add("To undo: undeploy 0.5 first (0.5 has written to the data), then " + (backup != null
                        && backupTaken(result) ? "restore the verified backup " + backup.directory() : "put back your "
                        + "own copy of " + fastDataDir) + " and deploy 0.4.");
            }
            case MIGRATED -> {
                // nothing left
            }
            default -> throw new IllegalStateException(state.name());
        }
        return next;
    }

    private static String paused(MigrationResult result) {
        PlatformState awaiting = result.awaitingState();
        return "Bring the platform to " + (awaiting == null ? "the state the run waits for" : awaiting + " ("
                + awaiting.description() + ")") + ", then run again.";
    }
}
