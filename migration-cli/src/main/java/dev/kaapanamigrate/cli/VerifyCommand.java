package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code verify}: every step's verification against the installation as it is, changing nothing. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Proves the installation as it is now: every step's verification, against the baselines the "
                + "run recorded. Changes nothing. Exit 0 when everything is proven, 4 when a verification fails.",
        footerHeading = "%nExample:%n",
        footer = "  kaapana-migrate verify --fast-data-dir /home/kaapana --platform undeployed")
final class VerifyCommand extends PlanCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        MigrationResult result = migration(false).plan().verify();
        report(KaapanaReport.of(result));
        return ExitCodes.of(result);
    }
}
