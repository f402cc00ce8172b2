package dev.kaapanamigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view on a terminal: {@code kaapana-migrate run} under a pseudo-terminal ({@code script} from util-linux, 40
 * rows by 120 columns, {@code TERM=xterm-256color}) reserves the bottom line for its status (a scroll region), draws
 * the running step's progress bar there and prints each finished step in colour; the same command with its output
 * piped prints plain lines without a single escape code.
 */
@KaapanaInstallation
class CommandLineTerminalIT {

    private static final Path SCRIPT = Path.of("/usr/bin/script");

    @TempDir
    Path work;

    private static String quoted(List<String> command) {
        return command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    private ProcessBuilder environment(ProcessBuilder pb) {
        pb.environment().keySet().removeIf(k -> k.startsWith("KAAPANA_MIGRATE_"));
        pb.environment().put("TERM", "xterm-256color");
        return pb.directory(work.toFile());
    }

    /** Runs the command under a pseudo-terminal; returns what the terminal received and the exit code. */
    private CommandLineIT.Outcome underTerminal(List<String> args) throws Exception {
        String inner = "stty rows 40 cols 120; exec " + quoted(KaapanaMigrateJar.command(args));
        Path out = work.resolve("terminal.txt");
        Process p = environment(new ProcessBuilder(SCRIPT.toString(), "-qfec", inner, "/dev/null"))
                .redirectOutput(out.toFile()).redirectError(work.resolve("terminal-err.txt").toFile()).start();
        // standard input stays open (script ends the session on its end of file); --yes asks nothing
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the command ends").isTrue();
        p.getOutputStream().close();
        return new CommandLineIT.Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(work.resolve("terminal-err.txt")));
    }

    private CommandLineIT.Outcome piped(List<String> args, String name) throws Exception {
        Process p = environment(new ProcessBuilder(KaapanaMigrateJar.command(args)))
                .redirectOutput(work.resolve(name + ".txt").toFile())
                .redirectError(work.resolve(name + "-err.txt").toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the command ends").isTrue();
        return new CommandLineIT.Outcome(p.exitValue(), Files.readString(work.resolve(name + ".txt")),
                Files.readString(work.resolve(name + "-err.txt")));
    }

    private List<String> run(GeneratedInstallation install, String name) throws Exception {
        return new ArrayList<>(List.of("run", "--yes", "--fast-data-dir", install.fastDataDir().toString(),
                "--platform", "undeployed", "--backup-dir", Files.createDirectories(work.resolve(name + "-backup"))
                        .toString(), "--report", work.resolve(name + ".json").toString()));
    }

    @Test
    void onATerminalTheLiveViewDrawsAStatusLineWithAProgressBarAndColoursAndPipedItIsPlainLines(
            GeneratedInstallation install) throws Exception {
        assumeTrue(Files.isExecutable(SCRIPT), "script (util-linux) makes the pseudo-terminal");
        assumeTrue("musl".equals(install.manifest().postgresLibc().toLowerCase(Locale.ROOT)),
                "the command line's temporary servers run the musl build");
        CommandLineIT.Outcome live = underTerminal(run(install, "live"));

        String screen = live.out();
        assertThat(live.exitCode()).as(screen + live.err()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(screen).as("the bottom line reserved for the status: scroll region rows 1-39")
                .contains("\u001b[1;39r");
        assertThat(Pattern.compile("\\[\u001b\\[[0-9;]*32m#+").matcher(screen).find())
                .as("a green progress bar in the status line").isTrue();
        assertThat(Pattern.compile("\\] +\\d+% ").matcher(screen).find()).as("its percentage").isTrue();
        assertThat(Pattern.compile("\u001b\\[[0-9;]*32mAPPLIED").matcher(screen).find())
                .as("finished steps in green").isTrue();
        assertThat(screen).contains("postgres.migrate-backend", "Installation: migrated, not deployed");

        // back to 0.4 from the live run's backup, for the same run again
        CommandLineIT.Outcome restore = piped(List.of("restore", "--yes", "--fast-data-dir",
                install.fastDataDir().toString(), "--platform", "undeployed", "--backup-dir",
                work.resolve("live-backup").toString()), "restore");
        assertThat(restore.exitCode()).as(restore.all()).isEqualTo(ExitCodes.OK);

        CommandLineIT.Outcome plain = piped(run(install, "plain"), "plain");

        assertThat(plain.exitCode()).as(plain.all()).isEqualTo(live.exitCode());
        assertThat(plain.all()).as("no escape code when nothing is a terminal").doesNotContain("\u001b");
        assertThat(plain.out()).contains("APPLIED postgres.migrate-backend", "1/5 tables in the baseline",
                "Installation: migrated, not deployed");
    }
}
