package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Option;

/**
 * How the database steps reach the access-information, dicom-web-filter and backend databases: temporary servers the
 * command starts on the moved folders (the default), or the caller's own servers ({@code --databases servers}, for
 * example copies or port-forwards to database pods), one host, port, database, user and password per database. The
 * passwords follow the secret rules of {@link StoreOptions}: an environment variable, a file, or a prompt, never an
 * argument.
 */
final class DatabaseOptions {

    /** Where the databases are served. */
    enum Mode {
        /** Temporary servers on the moved folders, started and stopped by the command. */
        TEMPORARY,
        /** The caller's own servers, reached over TCP. */
        SERVERS
    }

    @Option(names = "--databases", paramLabel = "MODE", description = "Where the databases are reached: "
            + "${COMPLETION-CANDIDATES} (temporary: servers the command starts on the moved folders, the default; "
            + "servers: your own servers, named by the --access-information-*, --dicom-web-filter-* and --backend-* "
            + "options).")
    Mode mode;

    @Option(names = "--access-information-host", paramLabel = "HOST",
            description = "The access-information database's host (with --databases servers).")
    String aiiHost;
    @Option(names = "--access-information-port", paramLabel = "PORT", description = "Its port (default 5432).")
    Integer aiiPort;
    @Option(names = "--access-information-database", paramLabel = "NAME", description = "Its database name "
            + "(default kaapanauser).")
    String aiiDatabase;
    @Option(names = "--access-information-user", paramLabel = "USER", description = "The role to log in as: the "
            + "tables' owner (default kaapanauser).")
    String aiiUser;
    @Option(names = "--access-information-password-file", paramLabel = "FILE", description = "A file holding its "
            + "password; or set KAAPANA_MIGRATE_ACCESS_INFORMATION_PASSWORD.")
    Path aiiPasswordFile;
    @Option(names = "--access-information-password", hidden = true, paramLabel = "SECRET")
    String aiiPasswordArgument;

    @Option(names = "--dicom-web-filter-host", paramLabel = "HOST",
            description = "The dicom-web-filter database's host (with --databases servers).")
    String dwfHost;
    @Option(names = "--dicom-web-filter-port", paramLabel = "PORT", description = "Its port (default 5432).")
    Integer dwfPort;
    @Option(names = "--dicom-web-filter-database", paramLabel = "NAME", description = "Its database name "
            + "(default kaapanauser).")
    String dwfDatabase;
    @Option(names = "--dicom-web-filter-user", paramLabel = "USER", description = "The role to log in as "
            + "(default kaapanauser).")
    String dwfUser;
    @Option(names = "--dicom-web-filter-password-file", paramLabel = "FILE", description = "A file holding its "
            + "password; or set KAAPANA_MIGRATE_DICOM_WEB_FILTER_PASSWORD.")
    Path dwfPasswordFile;
    @Option(names = "--dicom-web-filter-password", hidden = true, paramLabel = "SECRET")
    String dwfPasswordArgument;

    @Option(names = "--backend-host", paramLabel = "HOST",
            description = "The kaapana-backend database's host (with --databases servers).")
    String backendHost;
    @Option(names = "--backend-port", paramLabel = "PORT", description = "Its port (default 5432).")
    Integer backendPort;
    @Option(names = "--backend-database", paramLabel = "NAME", description = "Its database name "
            + "(default kaapanauser).")
    String backendDatabase;
    @Option(names = "--backend-user", paramLabel = "USER", description = "The role to log in as "
            + "(default kaapanauser).")
    String backendUser;
    @Option(names = "--backend-password-file", paramLabel = "FILE", description = "A file holding its password; "
            + "or set KAAPANA_MIGRATE_BACKEND_PASSWORD.")
    Path backendPasswordFile;
    @Option(names = "--backend-password", hidden = true, paramLabel = "SECRET")
    String backendPasswordArgument;

    /** One database's connection as given on the command line. */
    private record Server(ServiceDatabase database, String host, Integer port, String name, String user,
            Path passwordFile, String passwordArgument) {

        String option(String what) {
            return "--" + database.stableName() + "-" + what;
        }

        String variable() {
            return "KAAPANA_MIGRATE_" + database.name() + "_PASSWORD";
        }
    }

    // resolved once: a command that builds its plan twice (preview, then run) asks at most once
    private DatabaseConnections connections;

    private Map<ServiceDatabase, Server> servers() {
        Map<ServiceDatabase, Server> out = new EnumMap<>(ServiceDatabase.class);
        out.put(ServiceDatabase.ACCESS_INFORMATION, new Server(ServiceDatabase.ACCESS_INFORMATION, aiiHost, aiiPort,
                aiiDatabase, aiiUser, aiiPasswordFile, aiiPasswordArgument));
        out.put(ServiceDatabase.DICOM_WEB_FILTER, new Server(ServiceDatabase.DICOM_WEB_FILTER, dwfHost, dwfPort,
                dwfDatabase, dwfUser, dwfPasswordFile, dwfPasswordArgument));
        out.put(ServiceDatabase.BACKEND, new Server(ServiceDatabase.BACKEND, backendHost, backendPort,
                backendDatabase, backendUser, backendPasswordFile, backendPasswordArgument));
        return out;
    }

    /** Refuses a password given as an argument, whatever the mode, without using or printing it. */
    void refuseSecretArguments() {
        for (Server s : servers().values()) {
            if (s.passwordArgument() != null) {
                throw StoreOptions.refused(s.option("password"), s.variable(), s.option("password-file"));
            }
        }
    }

    /** Whether the caller's own servers are used. */
    boolean ownServers() {
        return mode == Mode.SERVERS;
    }

    KaapanaMigration configure(KaapanaMigration m, Map<String, String> env, boolean interactive) {
        refuseSecretArguments();
        if (!ownServers()) {
            for (Server s : servers().values()) {
                if (s.host() != null || s.port() != null || s.name() != null || s.user() != null
                        || s.passwordFile() != null) {
                    throw new UsageException(s.option("*") + " options name a server of your own, but the databases "
                            + "are reached through temporary servers on the folders; add --databases servers to use "
                            + "your servers, or leave those options out");
                }
            }
            return m;
        }
        if (connections == null) {
            Map<ServiceDatabase, DataSource> sources = new EnumMap<>(ServiceDatabase.class);
            for (Server s : servers().values()) {
                sources.put(s.database(), dataSource(s, env, interactive));
            }
            connections = DatabaseConnections.of(sources);
        }
        return m.databaseConnections(connections);
    }

    private static DataSource dataSource(Server s, Map<String, String> env, boolean interactive) {
        if (s.host() == null || s.host().isBlank()) {
            throw new UsageException("--databases servers needs every database's server; " + s.option("host")
                    + " is missing; expected the host of the " + s.database().stableName() + " database (and "
                    + s.option("port") + " unless 5432)");
        }
        int port = s.port() == null ? 5432 : s.port();
        if (port < 1 || port > 65535) {
            throw new UsageException(s.option("port") + " " + port + " is not a port; expected 1 to 65535");
        }
        String password = StoreOptions.secret("password of the " + s.database().stableName() + " database",
                s.variable(), s.passwordFile(), env, interactive);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {s.host()});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(s.name() != null ? s.name() : s.database().database());
        ds.setUser(s.user() != null ? s.user() : s.database().superuser());
        ds.setPassword(password);
        ds.setApplicationName("kaapana-migrate");
        ds.setConnectTimeout(30);
        return ds;
    }

    /** For the report: where the databases were reached (no passwords). */
    String describe() {
        if (!ownServers()) {
            return "temporary";
        }
        StringBuilder b = new StringBuilder("servers:");
        for (Server s : servers().values()) {
            b.append(' ').append(s.database().stableName()).append(' ').append(s.host()).append(':')
                    .append(s.port() == null ? 5432 : s.port()).append('/')
                    .append(s.name() != null ? s.name() : s.database().database()).append(" as ")
                    .append(s.user() != null ? s.user() : s.database().superuser()).append(';');
        }
        return b.substring(0, b.length() - 1);
    }
}
