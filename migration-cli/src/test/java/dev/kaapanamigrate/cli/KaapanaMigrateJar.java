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
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", Path.of("target", "kaapana-migrate.jar").toAbsolutePath().toString()));
        command.addAll(args);
        return command;
    }
}
