package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.kaapana.KaapanaBackup;
import dev.kaapanamigrate.kaapana.RestoreOptions;
import dev.kaapanamigrate.kaapana.RestoreResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code restore}: puts the verified backup back. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Puts the verified backup back into FAST_DATA_DIR: verifies it first, copies it beside, proves "
                + "the copy byte-identical, then swaps; what it replaces and the journal are moved aside, nothing is "
                + "deleted. Refused while a platform runs.",
        footerHeading = "%nExample:%n",
        footer = "  kaapana-migrate restore --fast-data-dir /home/kaapana --platform undeployed --backup-dir /mnt/backup "
                + "--yes")
final class RestoreCommand extends PlanCommand implements Callable<Integer> {

    @Option(names = {"-y", "--yes"}, description = "Restore without asking.")
    boolean yes;

    @Override
    public Integer call() {
        if (installation.backupDir == null) {
            throw new UsageException("--backup-dir is missing; expected the folder the run's backup was taken into");
        }
        KaapanaBackup backup = KaapanaBackup.at(installation.backupDir);
        if (!yes) {
            throw new UsageException("restore replaces the folders in " + installation.fastDataDir() + " by those of "
                    + backup.directory() + " (what it replaces is moved aside); pass --yes to confirm");
        }
        RestoreResult restored = backup.restore(installation.fastDataDir(), RestoreOptions.defaults()
                .refusingWhenRunning(installation.platformControl(env()))
                .withStateDirectory(installation.stateDirectory()));
        out().print(restored.summary());
        out().flush();
        return ExitCodes.OK;
    }
}
