package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code check}: the full preview; changes nothing. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "The full preview (dry-run): what every step would change, or why it cannot run and the fix. "
                + "Changes nothing. Exit 0 when nothing blocks, 3 when something does.",
        footerHeading = "%nExample:%n",
        footer = "  kaapana-migrate check --fast-data-dir /home/kaapana --platform undeployed")
final class CheckCommand extends PlanCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        PlanPreview preview = migration(false).plan().check();
        report(KaapanaReport.of(preview));
        return preview.isBlocked() ? ExitCodes.BLOCKED : ExitCodes.OK;
    }
}
