package dev.kaapanamigrate.examples;

import static dev.kaapanamigrate.assertions.MigrationAssertions.assertThatMigration;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.kaapana.InstallationState;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import dev.kaapanamigrate.postgres.TemporaryServers;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Use case 2, an integration test of a user's installer code: a generated Kaapana 0.4.2 installation on real backends
 * (the testkit's JUnit extension), the installer migrates it, and the verify-only pass proves every step against the
 * baselines the run recorded.
 */
@KaapanaInstallation
class MigrationIntegrationTestExampleIT {

    @TempDir
    Path reports;

    // USE-CASE-INTEGRATION-TEST-START
    @Test
    void theInstallerMigratesAndEveryStepStillVerifies(GeneratedInstallation installation, SimulatedPlatform platform) {
        platform.startSource();                                     // Kaapana 0.4 is running
        MigrationResult run = InstallerExample.migrate(installation.fastDataDir(), platform, reports.resolve("run.json"));

        MigrationResult verified = KaapanaMigration.configure(installation.fastDataDir()).platformControl(platform)
                .databaseConnections(TemporaryServers.builder(installation.fastDataDir()).build())
                .plan().verify();                                   // against the installation as it is now

        // The installer gives no MinIO or OpenSearch client: everything done, those two stores reported as not checked.
        assertThat(run.status()).isEqualTo(PlanStatus.INCOMPLETE);
        assertThat(run.unproven()).hasSize(2);
        assertThatMigration(run).completed().allStepsVerified();        // migration-assertions: AssertionError, any framework
        assertThat(verified.status()).as(verified.message()).isEqualTo(PlanStatus.INCOMPLETE);
        assertThat(verified.steps()).extracting(StepResult::status).containsOnly(StepStatus.VERIFIED);
        assertThat(verified.steps()).flatExtracting(s -> s.verification().facts())
                .filteredOn(f -> f.basis() == Verification.Basis.BASELINE).isNotEmpty().allMatch(Verification.Fact::passed);
        KaapanaReport saved = KaapanaReport.read(reports.resolve("run.json")); // the report, read back
        assertThat(saved.installation().orElseThrow().state()).isEqualTo(InstallationState.MIGRATED_NOT_DEPLOYED);
        assertThat(reports.resolve("run.html")).exists();                   // the page beside it
    }
    // USE-CASE-INTEGRATION-TEST-END
}
