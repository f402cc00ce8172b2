package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.WriteVersionStep;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.StandInCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kaapana plan on a generated 0.4.2 installation, moved from 0.4 running to 0.5 running by a
 * {@link KaapanaPlatformControl} through the stand-in deploy scripts, helm and kubectl; the stand-in cluster drives the
 * simulated platform, so the database servers of 0.4 stop on undeploy and those of 0.5 start on deploy before the
 * stand-in pods report ready.
 */
@KaapanaInstallation(size = InstallationSize.SMALL)
class PlatformControlOnInstallationIT {

    @TempDir
    Path tmp;

    @Test
    void theRealControlUndeploysBeforeTheMigrationAndDeploysAfterTheVersionMarker(GeneratedInstallation install,
            SimulatedPlatform platform) throws Exception {
        platform.startSource();
        try (StandInCluster cluster = StandInCluster.create(tmp.resolve("host")).runningSource().drive(platform)) {
            KaapanaPlatformControl control = KaapanaPlatformControl.builder()
                    .searchPath(cluster.searchPath())
                    .undeployScript(cluster.undeployScript())
                    .deployScript(cluster.deployScript())
                    .fastDataDir(install.fastDataDir())
                    .pollInterval(Duration.ofMillis(50))
                    .build();

            MigrationResult result = KaapanaMigrationIT.migration(install, control).planBuilder()
                    .step(new ReadMigratedDatabase(platform), WriteVersionStep.ID)
                    .platformTimeout(Duration.ofMinutes(2))
                    .build().run();

            // no store client given: every step done, the object store and the index reported as not checked
            assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.INCOMPLETE);
            assertThat(result.steps()).extracting(StepResult::stepId).endsWith("kaapana.write-version",
                    ReadMigratedDatabase.ID);
            assertThat(control.current()).isEqualTo(PlatformState.TARGET_RUNNING);
            assertThat(platform.current()).as("the stand-in deploy started the 0.5 database servers")
                    .isEqualTo(PlatformState.TARGET_RUNNING);
            assertThat(cluster.invocations()).filteredOn(l -> l.startsWith("deploy_platform.sh")).extracting(
                    l -> l.substring(0, l.indexOf(" USER="))).containsExactly("deploy_platform.sh(0.4.2) --quiet --undeploy",
                    "deploy_platform.sh(0.5.2) --quiet");
            assertThat(cluster.pods()).contains("kube-system/coredns-7745f9f87f-x2", "services/init-projects-x7k2p")
                    .doesNotContain("services/postgres-backend-7c9d");
            assertThat(control.commands()).extracting(PlatformCommand::purpose).containsSubsequence(
                    "undeploy Kaapana 0.4", "deploy Kaapana 0.5");
        } finally {
            platform.undeploy();
        }
    }

    /** A step of the 0.5 state: reads the migrated access-information database through the 0.5 server. */
    private record ReadMigratedDatabase(SimulatedPlatform platform) implements MigrationStep {
        static final String ID = "test.read-migrated-database";

        @Override
        public String id() {
            return ID;
        }

        @Override
        public String description() {
            return "read the alembic head of the access-information database from the running 0.5 platform";
        }

        @Override
        public PlatformState requiredState() {
            return PlatformState.TARGET_RUNNING;
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            return StepCheck.upToDate("read-only");
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            return List.of();
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            try (Connection c = platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION).getConnection();
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version_num FROM alembic_version")) {
                rs.next();
                return Verification.builder().expect("alembic head served by 0.5", "6e751c62ecfa", rs.getString(1))
                        .build();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
