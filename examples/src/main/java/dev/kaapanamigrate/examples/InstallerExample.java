package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.LoggingListener;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import dev.kaapanamigrate.kaapana.KaapanaRun;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use case 1, a platform installer: the whole Kaapana migration in one call, dry-run first, a report either way.
 * The platform control moves the platform (the installer's own, or {@code PlatformControl.assumeState(...)} when the
 * operator undeployed it).
 */
public final class InstallerExample {

    private static final Logger LOG = LoggerFactory.getLogger(InstallerExample.class);

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
        KaapanaMigration migration = KaapanaMigration.configure(fastDataDir)
                .platformControl(platform)
                .listener(new LoggingListener());
        PlanPreview preview = migration.plan().check();            // dry-run: changes nothing
        if (preview.isBlocked()) {
            KaapanaReport.of(preview).write(report);                // JSON, and the HTML page beside it
            throw new PreconditionFailedException(Problem.of(CoreErrorCode.PRECONDITION_FAILED,
                    "the dry-run found problems (" + report + ")", "none", "fix what the report names, then run again"));
        }
        KaapanaRun run = migration.run();                          // check, apply, verify; resumes after a crash
        KaapanaReport.of(run).write(report);                       // with the state it leaves and the next steps
        LOG.info("{}", run.summary());
        return run.result().orThrow();                             // the named exception unless SUCCEEDED
    }
    // USE-CASE-INSTALLER-END
}
