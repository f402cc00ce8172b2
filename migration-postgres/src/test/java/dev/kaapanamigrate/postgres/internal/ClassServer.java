package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.testkit.postgres.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import javax.sql.DataSource;

/**
 * A fresh PostgreSQL cluster for one test class (user and database {@code kaapanauser}), in a temporary folder that
 * goes with it when it stops.
 */
final class ClassServer implements AutoCloseable {

    static final String USER = "kaapanauser";
    static final String PASSWORD = "Kaapana2020";

    private final Path root;
    private final PostgresServer server;

    private ClassServer(Path root, PostgresServer server) {
        this.root = root;
        this.server = server;
    }

    /**
     * Creates and starts the cluster.
     *
     * @param prefix the temporary folder's name prefix
     * @return the running server
     * @throws Exception when it cannot be created or started
     */
    static ClassServer start(String prefix) throws Exception {
        Path root = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new ClassServer(root, PostgresCluster.create(root.resolve("pg"), ClusterSpec.of(USER, PASSWORD, USER),
                PostgresBinaries.resolve()).start());
    }

    PostgresServer server() {
        return server;
    }

    /** A data source of a database on it, as {@link #USER}. */
    DataSource dataSource(String database) {
        return server.dataSource(database, USER, PASSWORD);
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
