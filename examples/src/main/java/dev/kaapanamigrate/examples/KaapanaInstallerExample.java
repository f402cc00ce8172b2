package dev.kaapanamigrate.examples;

import dev.kaapanamigrate.core.LoggingListener;
import dev.kaapanamigrate.kaapana.BackupOptions;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.kaapana.KaapanaPlatformControl;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import dev.kaapanamigrate.kaapana.KaapanaRun;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use case 1 on a Kaapana host: an installer that moves the platform with Kaapana's own tools. {@link
 * KaapanaPlatformControl} runs 0.4's {@code deploy_platform.sh --undeploy} and 0.5.2's {@code deploy_platform.sh}, and
 * watches helm releases and pods with helm and kubectl until the platform is really down or up; the migration takes a
 * verified backup first and restores it by itself when the run fails before 0.5 is deployed. The report lists every
 * platform command with its output (secrets masked).
 */
public final class KaapanaInstallerExample {

    private static final Logger LOG = LoggerFactory.getLogger(KaapanaInstallerExample.class);

    private KaapanaInstallerExample() {
    }

    /**
     * Where Kaapana's tools are on the host.
     *
     * @param undeployScript 0.4's {@code deploy_platform.sh} (run with {@code --undeploy})
     * @param deployScript   0.5.2's {@code deploy_platform.sh}
     * @param helm           the helm program
     * @param kubectl        the kubectl program
     * @param kubeconfig     the kubeconfig helm and kubectl use
     */
    public record Tools(Path undeployScript, Path deployScript, Path helm, Path kubectl, Path kubeconfig) {
    }

    // USE-CASE-KAAPANA-INSTALLER-START
    /**
     * Migrates the installation in {@code fastDataDir}, moving the platform with Kaapana's tools; writes the report (with
     * the platform commands) to {@code report} for every run that returns, whether it succeeded, failed, paused or was
     * blocked. A configuration the run refuses before it starts is thrown instead, and then no report is written.
     *
     * @param fastDataDir Kaapana's FAST_DATA_DIR
     * @param tools       the deploy scripts, helm, kubectl and the kubeconfig
     * @param backupDir   where the verified backup of the database folders goes (outside FAST_DATA_DIR)
     * @param report      where the JSON report goes
     * @return the run: its result, the state it leaves the installation in, the next steps
     * @throws dev.kaapanamigrate.core.ConfigurationException when the run refuses the configuration before it starts
     *         (FAST_DATA_DIR missing, a state the plan cannot start from): nothing changed, no report written
     * @throws dev.kaapanamigrate.core.ConcurrentRunException when another run holds the installation's lock
     */
    public static KaapanaRun migrate(Path fastDataDir, Tools tools, Path backupDir, Path report) {
        KaapanaPlatformControl platform = KaapanaPlatformControl.builder()
                .fastDataDir(fastDataDir)                          // its version marker: no deploy of the wrong version
                .undeployScript(tools.undeployScript())            // 0.4: deploy_platform.sh --undeploy
                .deployScript(tools.deployScript())                // 0.5.2: deploy_platform.sh
                .helm(tools.helm()).kubectl(tools.kubectl())       // to wait until releases and pods are gone or ready
                .kubeconfig(tools.kubeconfig())
                .build();
        KaapanaRun run = KaapanaMigration.configure(fastDataDir)
                .platformControl(platform)
                .backup(BackupOptions.to(backupDir))               // verified before anything changes
                .restoreOnFailure(true)                            // a failure before 0.5 runs puts 0.4 back
                .listener(new LoggingListener())
                .run();                                            // undeploys 0.4 itself; resumes after a crash
        KaapanaReport.of(run).withCommands(platform.commands()).write(report); // JSON and the HTML page
        LOG.info("{}", run.summary());                             // the state it leaves, the next steps
        return run;
    }
    // USE-CASE-KAAPANA-INSTALLER-END
}
