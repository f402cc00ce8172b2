package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import dev.kaapanamigrate.pgserver.PostgresServer.Listen;

/**
 * Where a server is reached: {@code 127.0.0.1} on a TCP port, or only its Unix socket in a private directory
 * (pgjdbc connects through junixsocket). Not API.
 *
 * @param listen          how the server listens
 * @param socketDirectory the directory of its Unix socket (a server always has one)
 * @param port            the TCP port, or for a socket-only server the number in the socket file's name
 */
public record ServerAddress(Listen listen, Path socketDirectory, int port) {

    /** The TCP host of a {@link Listen#TCP_LOOPBACK} server. */
    public static final String HOST = "127.0.0.1";
    /** The port number in the socket file's name when no TCP port is used. */
    public static final int SOCKET_ONLY_PORT = 5432;
    private static final String UNIX_SOCKET_FACTORY = "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg";

    /**
     * The Unix socket the postmaster creates once it accepts connections.
     *
     * @return {@code <socketDirectory>/.s.PGSQL.<port>}
     */
    public Path socketFile() {
        return socketDirectory.resolve(".s.PGSQL." + port);
    }

    /**
     * Whether the server accepts connections: its socket exists, or a TCP connection opens.
     *
     * @return {@code true} when a client can connect
     */
    public boolean acceptsConnections() {
        if (listen == Listen.UNIX_SOCKET_ONLY) {
            return Files.exists(socketFile());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A data source for a database of the server (a new connection per call, no pool).
     *
     * @param database the database
     * @param user     the role
     * @param password its password, or {@code null}
     * @return the data source
     */
    public DataSource dataSource(String database, String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setDatabaseName(Objects.requireNonNull(database, "database"));
        ds.setUser(Objects.requireNonNull(user, "user"));
        ds.setPassword(password);
        ds.setApplicationName("kaapana-migrate");
        ds.setPortNumbers(new int[] {port});
        if (listen == Listen.TCP_LOOPBACK) {
            ds.setServerNames(new String[] {HOST});
        } else {
            ds.setServerNames(new String[] {"localhost"}); // not resolved: the socket factory connects
            ds.setSocketFactory(UNIX_SOCKET_FACTORY);
            ds.setSocketFactoryArg(socketFile().toString());
            ds.setSslMode("disable"); // TLS does not apply to a local socket
        }
        return ds;
    }

    @Override
    public String toString() {
        return listen == Listen.TCP_LOOPBACK ? HOST + ":" + port : "socket " + socketFile();
    }
}
