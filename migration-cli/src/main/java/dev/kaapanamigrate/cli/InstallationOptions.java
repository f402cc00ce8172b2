package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.kaapana.BackupOptions;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.kaapana.KaapanaPlatformControl;
import dev.kaapanamigrate.kaapana.PlatformCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options that name an installation and how its platform moves: shared by check, run, resume and verify. */
final class InstallationOptions {

    /** How the platform moves between its states. */
    enum Platform {
        /** "I undeployed myself": the platform is taken as undeployed; the run pauses where 0.5 must run. */
        UNDEPLOYED,
        /** Kaapana's own deploy scripts, helm and kubectl. */
        KAAPANA
    }

    @Option(names = "--fast-data-dir", paramLabel = "DIR", description = "Kaapana's FAST_DATA_DIR (required).")
    Path fastDataDir;

    @Option(names = "--slow-data-dir", paramLabel = "DIR", description = "Kaapana's SLOW_DATA_DIR (MinIO's data).")
    Path slowDataDir;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where journal and lock live (default: FAST_DATA_DIR/.kaapana-migrate).")
    Path stateDir;

    @Option(names = "--platform", paramLabel = "MODE", description = "How the platform moves: ${COMPLETION-CANDIDATES}"
            + " (undeployed: you undeployed it yourself; kaapana: the deploy scripts, helm and kubectl). Required.")
    Platform platform;

    @Option(names = "--undeploy-script", paramLabel = "FILE",
            description = "0.4's deploy_platform.sh, run with --undeploy (with --platform kaapana).")
    Path undeployScript;

    @Option(names = "--deploy-script", paramLabel = "FILE",
            description = "0.5.2's deploy_platform.sh (with --platform kaapana).")
    Path deployScript;

    @Option(names = "--helm", paramLabel = "FILE", description = "The helm program (default: helm on PATH).")
    Path helm;

    @Option(names = "--kubectl", paramLabel = "FILE", description = "The kubectl program (default: kubectl on PATH).")
    Path kubectl;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig helm and kubectl use.")
    Path kubeconfig;

    @Option(names = "--search-path", paramLabel = "PATH", hidden = true,
            description = "The PATH the platform commands run with.")
    String searchPath;

    @Option(names = "--backup-dir", paramLabel = "DIR",
            description = "Take a verified backup of the database folders into this folder (outside FAST_DATA_DIR) "
                    + "before anything changes.")
    Path backupDir;

    @Option(names = "--restore-on-failure", description = "Restore from the verified backup when the run fails before "
            + "0.5 is deployed (needs --backup-dir).")
    boolean restoreOnFailure;

    @Option(names = "--rewrite-workflows", description = "Rewrite the mechanical findings of the workflow scan "
            + "(originals kept beside the files).")
    boolean rewriteWorkflows;

    @Option(names = "--archive-orphaned-folders", paramLabel = "DIR",
            description = "Move the folders 0.5 no longer uses into this folder (default: only reported).")
    Path orphanArchive;

    @picocli.CommandLine.Mixin
    StoreOptions stores = new StoreOptions();

    @picocli.CommandLine.Mixin
    DatabaseOptions databases = new DatabaseOptions();

    private KaapanaPlatformControl kaapanaControl;

    /** The platform control the options name; for Kaapana's, the same instance on every call. */
    PlatformControl platformControl(Map<String, String> env) {
        if (platform == null) {
            throw new UsageException("--platform is missing; expected --platform undeployed (you undeployed the "
                    + "platform yourself) or --platform kaapana (with --undeploy-script and --deploy-script)");
        }
        if (platform == Platform.UNDEPLOYED) {
            return PlatformControl.assumeState(PlatformState.UNDEPLOYED);
        }
        if (kaapanaControl == null) {
            KaapanaPlatformControl.Builder b = KaapanaPlatformControl.builder().fastDataDir(fastDataDir());
            if (undeployScript != null) {
                b = b.undeployScript(existingFile(undeployScript, "--undeploy-script"));
            }
            if (deployScript != null) {
                b = b.deployScript(existingFile(deployScript, "--deploy-script"));
            }
            if (helm != null) {
                b = b.helm(helm);
            }
            if (kubectl != null) {
                b = b.kubectl(kubectl);
            }
            if (kubeconfig != null) {
                b = b.kubeconfig(kubeconfig);
            }
            if (searchPath != null) {
                b = b.searchPath(searchPath);
            }
            kaapanaControl = b.build();
        }
        return kaapanaControl;
    }

    /** The commands Kaapana's platform control ran (secrets masked), for the report. */
    List<PlatformCommand> commands() {
        return kaapanaControl == null ? List.of() : kaapanaControl.commands();
    }

    /** The options the report records (no secrets): where the databases were reached, how certificates were checked. */
    Map<String, String> reportOptions() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        out.put("databases", databases.describe());
        stores.tlsDescription().ifPresent(t -> out.put("tls", t));
        return out;
    }

    Path fastDataDir() {
        if (fastDataDir == null) {
            throw new UsageException("--fast-data-dir is missing; expected Kaapana's FAST_DATA_DIR, for example "
                    + "--fast-data-dir /home/kaapana (or KAAPANA_MIGRATE_FAST_DATA_DIR)");
        }
        return existingFastDataDir(fastDataDir);
    }

    /** The folder, or a usage error saying it is missing or not a folder. */
    static Path existingFastDataDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--fast-data-dir " + dir + (Files.exists(dir) ? " is not a folder"
                    : " does not exist") + "; expected Kaapana's FAST_DATA_DIR; check the path for a typo");
        }
        return dir;
    }

    Path stateDirectory() {
        return stateDir != null ? stateDir : fastDataDir().resolve(KaapanaMigration.STATE_DIRECTORY);
    }

    /** The configured migration, with the stores whose endpoints were given. */
    KaapanaMigration migration(Map<String, String> env, boolean interactive, java.io.PrintWriter err) {
        stores.refuseSecretArguments();
        databases.validate();
        if (restoreOnFailure && databases.ownServers()) {
            throw new UsageException("--restore-on-failure cannot be combined with --databases servers: the backup "
                    + "and the restore cover only the database folders in FAST_DATA_DIR, while the migrated data lives "
                    + "on your own servers, so a restore would not give it back; back up your servers yourself before "
                    + "the run (for example pg_dump of each database), restore them yourself if the run fails, and "
                    + "leave --restore-on-failure out");
        }
        KaapanaMigration m = KaapanaMigration.configure(fastDataDir()).platformControl(platformControl(env));
        if (slowDataDir != null) {
            m = m.slowDataDir(slowDataDir);
        }
        if (stateDir != null) {
            m = m.stateDirectory(stateDir);
        }
        if (backupDir != null) {
            m = m.backup(BackupOptions.to(backupDir));
        }
        if (restoreOnFailure) {
            if (backupDir == null) {
                throw new UsageException("--restore-on-failure needs a backup to restore from; add --backup-dir DIR "
                        + "(a folder outside FAST_DATA_DIR)");
            }
            m = m.restoreOnFailure(true);
        }
        if (rewriteWorkflows) {
            m = m.rewriteWorkflows(true);
        }
        if (orphanArchive != null) {
            m = m.archiveOrphanedFolders(orphanArchive);
        }
        return stores.configure(databases.configure(m, env, interactive, err), env, interactive, err);
    }

    private static Path existingFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(option + " " + file + " is not a file; expected the platform's "
                    + "deploy_platform.sh; check the path");
        }
        return file;
    }
}
