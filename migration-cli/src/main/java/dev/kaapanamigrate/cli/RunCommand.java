package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.PlanPreview;
import dev.kaapanamigrate.kaapana.KaapanaReport;
import dev.kaapanamigrate.kaapana.KaapanaRun;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: the whole migration, after showing the plan and asking (unless {@code --yes}). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the whole migration: checks first, then changes, verifies, and writes the report. Shows "
                + "the plan and asks before it changes anything, unless --yes. A run killed at any point goes on "
                + "with resume.",
        footerHeading = "%nExample:%n",
        footer = {"  export KAAPANA_MIGRATE_MINIO_SECRET_KEY=...",
                "  kaapana-migrate run --fast-data-dir /home/kaapana --platform kaapana \\",
                "      --undeploy-script /opt/kaapana-0.4.2/deploy_platform.sh \\",
                "      --deploy-script /opt/kaapana-0.5.2/deploy_platform.sh \\",
                "      --backup-dir /mnt/backup --restore-on-failure \\",
                "      --minio-url https://kaapana.example/minio --minio-access-key kaapanaminio --yes"})
class RunCommand extends PlanCommand implements Callable<Integer> {

    @Option(names = {"-y", "--yes"}, description = "Run without asking (unattended).")
    boolean yes;

    @Override
    public Integer call() {
        if (!yes) {
            PlanPreview preview = migration(true).plan().check();
            endLiveView();
            out().println();
            out().print(KaapanaReport.of(preview).brief());
            if (preview.isBlocked()) {
                report(KaapanaReport.of(preview));
                return ExitCodes.BLOCKED;
            }
            if (!confirmed()) {
                out().println("Nothing was changed.");
                return ExitCodes.OK;
            }
        }
        KaapanaRun run = migration(!yes).run();
        report(KaapanaReport.of(run));
        return ExitCodes.of(run.result());
    }

    private boolean confirmed() {
        if (output.json) {
            throw new UsageException("--json needs --yes: a program reading JSON lines cannot answer a prompt");
        }
        Console console = System.console();
        String answer;
        if (console != null) {
            answer = console.readLine("Run the migration now? [y/N] ");
        } else {
            out().print("Run the migration now? [y/N] ");
            out().flush();
            try {
                answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                answer = null;
            }
            if (answer == null) {
                throw new UsageException("no answer to the prompt (standard input is closed); pass --yes to run "
                        + "unattended");
            }
        }
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).matches("y|yes");
    }
}
