package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.LoggingListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationReport;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import java.nio.file.Path;

/**
 * Use case 1, a platform installer: the whole Kaapana migration in one call, dry-run first, a report either way.
 * The platform control moves the platform (the installer's own, or {@code PlatformControl.assumeState(...)} when the
 * operator undeployed it).
 */
public final class InstallerExample {

    private InstallerExample() {
    }

    // USE-CASE-INSTALLER-START
    /**
     * Migrates the installation in {@code fastDataDir}; writes the dry-run's or the run's report to {@code report}.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @param platform    moves the platform between its states
     * @param report      where the JSON report goes
     * @return the result of a run that succeeded
     */
    public static MigrationResult migrate(Path fastDataDir, PlatformControl platform, Path report) {
        MigrationPlan plan = KaapanaMigration.configure(fastDataDir)
                .platformControl(platform)
                .listener(new LoggingListener())
                .plan();
        PlanPreview preview = plan.check();                        // dry-run: changes nothing
        if (preview.isBlocked()) {
            MigrationReport.write(preview, report);
            throw new PreconditionFailedException(Problem.of(CoreErrorCode.PRECONDITION_FAILED,
                    "the dry-run found problems (" + report + ")", "none", "fix what the report names, then run again"));
        }
        MigrationResult result = plan.run();                       // check, apply, verify; resumes after a crash
        MigrationReport.write(result, report);
        return result.orThrow();                                   // the named exception unless SUCCEEDED
    }
    // USE-CASE-INSTALLER-END
}
