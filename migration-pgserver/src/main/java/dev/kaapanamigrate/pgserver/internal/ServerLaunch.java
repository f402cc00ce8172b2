package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer.Listen;
import dev.kaapanamigrate.pgserver.os.ExternalCommands;
import dev.kaapanamigrate.pgserver.os.Posix;

/**
 * Starts the {@code postgres} process of a server: every setting on the command line (the folder's files stay as
 * they are), the socket in the server's private directory, and for a socket-only server a temporary hba file
 * there that trusts that socket. Not API.
 */
public final class ServerLaunch {

    /** Settings that decide how the server is reached: the launch's own, refused from callers. */
    public static final Set<String> OWN_SETTINGS = Set.of("listen_addresses", "unix_socket_directories", "port",
            "hba_file", "unix_socket_permissions", "logging_collector", "data_directory");

    private ServerLaunch() {
    }

    /**
     * Starts the postmaster; does not wait for it to accept connections.
     *
     * @param binaries the binaries
     * @param dir      the data folder
     * @param address  where it will listen; its socket directory is the server's private directory
     * @param settings further {@code -c} settings
     * @param user     the user it runs as
     * @param log      its output
     * @return the postmaster process
     * @throws DatabaseServerException if the hba file cannot be written or the process cannot start
     */
    public static Process start(PostgresBinaries binaries, Path dir, ServerAddress address,
            Map<String, String> settings, ServerUser user, Path log) {
        Path runDir = address.socketDirectory();
        List<String> args = new ArrayList<>(List.of(binaries.bin("postgres").toString(), "-D", dir.toString(),
                "-p", Integer.toString(address.port()), "-c", "unix_socket_directories=" + runDir,
                "-c", "unix_socket_permissions=0700", "-c", "logging_collector=off"));
        if (address.listen() == Listen.TCP_LOOPBACK) {
            args.addAll(List.of("-c", "listen_addresses=" + ServerAddress.HOST));
        } else {
            args.addAll(List.of("-c", "listen_addresses=", "-c", "hba_file=" + trustTheSocket(runDir, user)));
        }
        settings.forEach((name, value) -> args.addAll(List.of("-c", name + "=" + value)));
        List<String> cmd = user.command(args);
        try {
            return ExternalCommands.processBuilder(cmd, runDir, log).start();
        } catch (IOException e) {
            throw new DatabaseServerException("Could not run " + cmd.get(0) + " for " + dir + ": " + e.getMessage()
                    + (cmd.get(0).equals("setpriv") ? ". setpriv (util-linux) must be on the PATH when running as "
                    + "root." : ""), e);
        }
    }

    /**
     * Only this socket, in a directory only the owner and root can enter: trust is safe there and means no
     * password is needed (or could leak) for a temporary server.
     */
    private static Path trustTheSocket(Path runDir, ServerUser user) {
        Path hba = runDir.resolve("pg_hba.conf");
        try {
            Files.writeString(hba, "# kaapana-migrate temporary server: local socket only\n"
                    + "local all all trust\n", StandardCharsets.US_ASCII);
            Posix.chmod(hba, 0600);
            if (Posix.uid() != user.uid()) {
                Posix.chown(hba, user.uid(), user.gid());
            }
            return hba;
        } catch (IOException e) {
            throw new DatabaseServerException("Cannot write the temporary hba file in " + runDir + ": " + e, e);
        }
    }
}
