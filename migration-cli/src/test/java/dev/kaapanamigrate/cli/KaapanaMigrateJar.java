package dev.kaapanamigrate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line as users run it: {@code java -jar target/kaapana-migrate.jar ...} in a process of its own. */
final class KaapanaMigrateJar {

    private KaapanaMigrateJar() {
    }

    /** The process command for the given arguments, with this JVM's java. */
    static List<String> command(List<String> args) {
        // C1 only: the tests' commands run for seconds, where the optimising compiler costs more CPU than it saves
        // (0.7 s of CPU per command on two cores shared with the test's servers)
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-jar", Path.of("target", "kaapana-migrate.jar")
                .toAbsolutePath().toString()));
        command.addAll(args);
        return command;
    }
}
