package dev.kaapanamigrate.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.kaapana.InstallationState;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import dev.kaapanamigrate.kaapana.KaapanaRun;
import dev.kaapanamigrate.kaapana.PlatformCommand;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.StandInCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KaapanaInstallerExample} on a generated 0.4.2 installation while 0.4 (simulated) runs: the testkit's stand-in
 * deploy scripts, helm and kubectl move the simulated platform, so the installer's own configuration of
 * {@code KaapanaPlatformControl} undeploys 0.4 through the script, waits with helm and kubectl, and the migration runs.
 */
@KaapanaInstallation
class KaapanaInstallerExampleIT {

    @TempDir
    Path work;

    @Test
    void theInstallerUndeploys04WithItsScriptMigratesAndReportsThePlatformCommands(GeneratedInstallation installation,
            SimulatedPlatform platform) throws Exception {
        assumeTrue("musl".equals(installation.manifest().postgresLibc().toLowerCase(Locale.ROOT)),
                "the default temporary servers run the musl build");
        platform.startSource();                                     // Kaapana 0.4 is running
        try (StandInCluster cluster = StandInCluster.create(work.resolve("host")).runningSource().drive(platform)) {
            Path kubeconfig = Files.writeString(work.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
            KaapanaInstallerExample.Tools tools = new KaapanaInstallerExample.Tools(cluster.undeployScript(),
                    cluster.deployScript(), cluster.binDirectory().resolve("helm"),
                    cluster.binDirectory().resolve("kubectl"), kubeconfig);

            KaapanaRun run = KaapanaInstallerExample.migrate(installation.fastDataDir(), tools,
                    Files.createDirectories(work.resolve("backup")), work.resolve("report").resolve("run.json"));

            // no store client given: the databases are done, 0.5's deploy is left to the installer
            assertThat(run.result().status()).as(run.summary()).isEqualTo(PlanStatus.INCOMPLETE);
            assertThat(run.installation()).isEqualTo(InstallationState.MIGRATED_NOT_DEPLOYED);
            assertThat(platform.current()).isEqualTo(PlatformState.UNDEPLOYED);
            assertThat(cluster.invocations()).anyMatch(l -> l.startsWith("deploy_platform.sh(0.4.2) --quiet --undeploy"));
            assertThat(installation.fastDataDir().resolve("version")).hasContent("0.5.2");
            assertThat(installation.folder05(KaapanaDatabase.BACKEND).resolve("PG_VERSION")).exists();
            KaapanaReport saved = KaapanaReport.read(work.resolve("report").resolve("run.json"));
            assertThat(saved.commands()).extracting(PlatformCommand::commandLine)
                    .anyMatch(line -> line.contains("--undeploy"))
                    .anyMatch(line -> line.get(0).endsWith("helm") && line.contains(kubeconfig.toString()));
            assertThat(work.resolve("report").resolve("run.html")).exists();
        } finally {
            platform.undeploy();
        }
    }
}
