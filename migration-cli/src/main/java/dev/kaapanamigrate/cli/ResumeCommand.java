package dev.kaapanamigrate.cli;

import java.nio.file.Files;
import picocli.CommandLine.Command;

/** {@code resume}: goes on with a run that stopped (killed, paused, failed after a fix). */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Goes on with a run that stopped: killed, paused for the platform, or failed and fixed. The "
                + "journal says where; every step's check confirms it against the installation.",
        footerHeading = "%nExample:%n",
        footer = "  kaapana-migrate resume --fast-data-dir /home/kaapana --platform undeployed --yes")
final class ResumeCommand extends RunCommand {

    @Override
    public Integer call() {
        if (!Files.isRegularFile(installation.stateDirectory().resolve("journal.jsonl"))) {
            throw new UsageException("nothing to resume: there is no journal in " + installation.stateDirectory()
                    + "; expected a run that stopped; start one with 'kaapana-migrate run'");
        }
        return super.call();
    }
}
