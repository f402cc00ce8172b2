package dev.kaapanamigrate.testkit.internal;

import java.nio.file.Path;

import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;

/**
 * The testkit's database servers: like a Kaapana database pod behind a port-forward ({@code 127.0.0.1} on a free
 * port, the folder's own {@code pg_hba.conf} with its passwords), and stopped cleanly when the test JVM exits
 * without closing them, so that a failed or forgotten test leaves no server behind. Not API.
 */
public final class PodServers {

    private PodServers() {
    }

    /**
     * Starts a server on a data folder and waits until it accepts connections.
     *
     * @param folder   the data folder
     * @param binaries the binaries that created it
     * @return the running server; close it to stop it
     */
    public static PostgresServer start(Path folder, PostgresBinaries binaries) {
        return PostgresServer.on(folder).binaries(binaries).listen(PostgresServer.Listen.TCP_LOOPBACK)
                .stopOnJvmExit(true).start();
    }
}
