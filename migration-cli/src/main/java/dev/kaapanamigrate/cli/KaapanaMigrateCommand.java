package dev.kaapanamigrate.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The installer's command line, {@code kaapana-migrate}: the whole Kaapana 0.4 → 0.5.2 upgrade of a host, previewed
 * ({@code check}), run ({@code run}, {@code resume}), proven ({@code verify}), undone ({@code restore}), with the
 * workflow-code scan and the report renderer. A thin shell over {@code KaapanaMigration}: every decision lives in the
 * library.
 *
 * <pre>{@code
 * export KAAPANA_MIGRATE_MINIO_SECRET_KEY=...      # secrets only from the environment, a file or a prompt
 * kaapana-migrate check --fast-data-dir /home/kaapana --platform undeployed
 * kaapana-migrate run   --fast-data-dir /home/kaapana --platform undeployed --backup-dir /mnt/backup --yes
 * }</pre>
 */
@Command(name = "kaapana-migrate", mixinStandardHelpOptions = true,
        versionProvider = KaapanaMigrateCommand.Version.class,
        description = "Migrates a Kaapana 0.4.x installation to 0.5.2: dry-run first, a verified backup, a report "
                + "you can attach to a ticket.",
        subcommands = {CheckCommand.class, RunCommand.class, ResumeCommand.class, VerifyCommand.class,
                RestoreCommand.class, ScanWorkflowsCommand.class, ReportCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  done: succeeded, nothing blocks, rendered",
                "  1  a step failed (the report says what, and how to go on)",
                "  2  bad usage (unknown option, a secret given as an argument, a missing folder)",
                "  3  blocked: a check refused a step; nothing was changed there",
                "  4  a verification failed",
                "  5  paused: bring the platform to the state named, then resume",
                "  6  done, but some guarantees were not proven (a store without credentials)",
                "  7  another run holds the lock of this installation",
                "",
                "Options also come from the environment (KAAPANA_MIGRATE_<OPTION>, for example",
                "KAAPANA_MIGRATE_FAST_DATA_DIR) and from a properties file named by KAAPANA_MIGRATE_CONFIG",
                "(keys without the dashes in front: fast-data-dir=/home/kaapana)."})
public final class KaapanaMigrateCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args the arguments
     * @param out  standard output
     * @param err  standard error
     * @param env  the environment (options and secrets are read from it)
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        Logging.configure(args);
        CommandLine cli = new CommandLine(new KaapanaMigrateCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setDefaultValueProvider(new OptionDefaults(env));
        cli.setExecutionExceptionHandler(new Failures(env));
        cli.setParameterExceptionHandler(new Failures(env));
        cli.setExitCodeExceptionMapper(t -> ExitCodes.FAILED);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        Environment.set(cli, env);
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name a command: check, run, resume, verify, "
                + "restore, scan-workflows or report (kaapana-migrate help <command> for its options).");
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = KaapanaMigrateCommand.class.getPackage().getImplementationVersion();
            return new String[] {"kaapana-migrate " + (v == null ? "(development build)" : v)
                    + ", migrates Kaapana 0.4.x to 0.5.2"};
        }
    }
}
