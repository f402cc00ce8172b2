package dev.kaapanamigrate.testkit.postgres;

import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.testkit.internal.PodServers;

import java.nio.file.Path;

/** Runs in a child JVM started by {@link ChildJvmIT}; talks to the parent over stdout. */
final class ChildJvm {

    private ChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "start": { // the testkit's way: stopped at JVM exit
                PostgresServer server = PodServers.start(Path.of(args[1]), PostgresBinaries.resolve());
                report(server);
                break;
            }
            case "start-without-exit-hook": { // the library's default
                PostgresServer server = PostgresServer.start(Path.of(args[1]));
                report(server);
                break;
            }
            case "resolve": {
                PostgresBinaries b = PostgresBinaries.resolve(Libc.MUSL, Path.of(args[1]));
                System.out.println("HOME " + b.home());
                break;
            }
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    /** Prints pid, start instant and socket directory, then waits: the server is never closed here. */
    private static void report(PostgresServer server) throws InterruptedException {
        System.out.println("PID " + server.pid() + " " + server.startedAt().map(Object::toString).orElse("-") + " "
                + server.socketFile().getParent());
        System.out.flush();
        Thread.sleep(120_000); // the parent terminates this JVM
        System.exit(3);
    }

    static ProcessBuilder command(String... args) {
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaExe, "-Xmx128m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ChildJvm.class.getName()));
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    }
}
