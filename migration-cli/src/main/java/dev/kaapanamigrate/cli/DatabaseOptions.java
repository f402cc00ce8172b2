package dev.kaapanamigrate.cli;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.kaapana.KaapanaMigration;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * How the database steps reach the access-information, dicom-web-filter and backend databases: temporary servers the
 * command starts on the moved folders (the default), or the caller's own servers ({@code --databases servers}, for
 * example copies or port-forwards to database pods), one host, port, database, user and password per database. The
 * passwords follow the secret rules of {@link StoreOptions}: an environment variable, a file, or a prompt, never an
 * argument.
 *
 * <p>TLS to the caller's servers is verified by default ({@code --database-sslmode verify-full}: encrypted, the
 * certificate checked against a CA and the host name against the certificate). The CA is the PEM file of
 * {@code --database-ca-file}, or else pgjdbc's own default ({@code ~/.postgresql/root.crt} of the user running the
 * command; pgjdbc 42.7 does not fall back to the JVM's trust store, and fails the connection when that file is
 * missing). {@code verify-ca} skips the host name; {@code require} encrypts without checking the certificate and
 * {@code disable} does not encrypt: both print a warning and are recorded in the report's options. A server that does
 * not speak TLS, or whose certificate does not verify, stops the command while it starts (exit 2, the server and the
 * fix named), before anything changes; a server that does not answer yet is left to the steps, whose connection
 * errors then name the same options.
 */
final class DatabaseOptions {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(DatabaseOptions.class);

    /** How connections to the caller's servers are encrypted and verified: pgjdbc's {@code sslmode}. */
    enum SslMode {
        /** No TLS. */
        DISABLE("disable"),
        /** TLS, any certificate. */
        REQUIRE("require"),
        /** TLS, a certificate signed by the CA; any host name. */
        VERIFY_CA("verify-ca"),
        /** TLS, a certificate signed by the CA, for the host name connected to (the default). */
        VERIFY_FULL("verify-full");

        final String value;

        SslMode(String value) {
            this.value = value;
        }

        boolean verifies() {
            return this == VERIFY_CA || this == VERIFY_FULL;
        }

        static SslMode of(String value) {
            for (SslMode m : values()) {
                if (m.value.equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new UsageException("--database-sslmode " + value + " is not a mode; expected disable, require, "
                    + "verify-ca or verify-full (the default)");
        }
    }

    /** Where pgjdbc 42.7 looks for the CA when no {@code sslrootcert} is given (LibPQFactory, on Unix). */
    static Path defaultRootCertificate() {
        return Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
    }

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

    @Option(names = "--database-sslmode", paramLabel = "MODE", description = "TLS to your servers (with --databases "
            + "servers): verify-full (the default: the certificate and the host name verified), verify-ca (the "
            + "certificate only), require (encrypted, any certificate) or disable (not encrypted); require and disable "
            + "print a warning.")
    String sslMode;

    @Option(names = "--database-ca-file", paramLabel = "PEM", description = "The CA certificate(s) that signed your "
            + "servers' certificates (default: pgjdbc's ~/.postgresql/root.crt).")
    Path caFile;

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

    /** The TLS mode asked for: {@code verify-full} unless {@code --database-sslmode} says otherwise. */
    SslMode sslMode() {
        return sslMode == null || sslMode.isBlank() ? SslMode.VERIFY_FULL : SslMode.of(sslMode);
    }

    /**
     * The usage errors found without reaching anything: server options or TLS options without {@code --databases
     * servers}, a CA file with a mode that verifies nothing or that cannot be read.
     */
    void validate() {
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
            if (sslMode != null || caFile != null) {
                throw new UsageException((caFile != null ? "--database-ca-file" : "--database-sslmode") + " applies to "
                        + "your own servers, but the databases are reached through temporary servers on the folders; "
                        + "add --databases servers, or leave it out");
            }
            return;
        }
        SslMode tls = sslMode();
        if (caFile != null && !tls.verifies()) {
            throw new UsageException("--database-ca-file and --database-sslmode " + tls.value + " contradict each "
                    + "other: " + tls.value + " checks no certificate; use --database-sslmode verify-full (the default) "
                    + "with the CA file, or leave the CA file out");
        }
        if (caFile != null) {
            readableCertificates(caFile);
        }
    }

    private static void readableCertificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new UsageException("--database-ca-file " + file + " holds no certificate; expected PEM "
                        + "(-----BEGIN CERTIFICATE-----)");
            }
        } catch (IOException e) {
            throw new UsageException("--database-ca-file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "); expected a readable PEM file with the CA certificate; check the path");
        } catch (GeneralSecurityException e) {
            throw new UsageException("--database-ca-file " + file + " holds no readable certificate ("
                    + e.getMessage() + "); expected PEM (-----BEGIN CERTIFICATE-----)");
        }
    }

    KaapanaMigration configure(KaapanaMigration m, Map<String, String> env, boolean interactive, PrintWriter err) {
        validate();
        if (!ownServers()) {
            return m;
        }
        if (connections == null) {
            SslMode tls = sslMode();
            if (!tls.verifies()) {
                err.println("kaapana-migrate: WARNING: --database-sslmode " + tls.value + ": the certificates of your "
                        + "database servers are NOT verified" + (tls == SslMode.DISABLE ? " and the connections are NOT "
                        + "encrypted" : "") + "; anyone on the network path can read and change what this command "
                        + "sends and receives, passwords included. Use --database-sslmode verify-full (the default) "
                        + "with --database-ca-file FILE where you can.");
                err.flush();
            }
            Map<ServiceDatabase, DataSource> sources = new EnumMap<>(ServiceDatabase.class);
            for (Server s : servers().values()) {
                PGSimpleDataSource ds = dataSource(s, env, interactive, err);
                checkTls(s, ds);
                sources.put(s.database(), new ExplainedDataSource(ds, tlsFix(tls)));
            }
            connections = DatabaseConnections.of(sources);
        }
        return m.databaseConnections(connections);
    }

    private PGSimpleDataSource dataSource(Server s, Map<String, String> env, boolean interactive,
            PrintWriter err) {
        if (s.host() == null || s.host().isBlank()) {
            throw new UsageException("--databases servers needs every database's server; " + s.option("host")
                    + " is missing; expected the host of the " + s.database().stableName() + " database (and "
                    + s.option("port") + " unless 5432)");
        }
        int port = port(s);
        if (port < 1 || port > 65535) {
            throw new UsageException(s.option("port") + " " + port + " is not a port; expected 1 to 65535");
        }
        String password = StoreOptions.secret("password of the " + s.database().stableName() + " database",
                s.variable(), s.passwordFile(), env, interactive, err);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {s.host()});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(s.name() != null ? s.name() : s.database().database());
        ds.setUser(s.user() != null ? s.user() : s.database().superuser());
        ds.setPassword(password);
        ds.setApplicationName("kaapana-migrate");
        ds.setConnectTimeout(30);
        ds.setSslMode(sslMode().value);
        if (caFile != null) {
            ds.setSslRootCert(caFile.toAbsolutePath().toString());
        }
        return ds;
    }

    private static int port(Server s) {
        return s.port() == null ? 5432 : s.port();
    }

    /**
     * Reaches the server once while the command starts, so that a server without TLS or with a certificate that does
     * not verify stops the command before anything changes; a server that does not answer is left to the steps.
     */
    private void checkTls(Server s, PGSimpleDataSource ds) {
        SslMode tls = sslMode();
        if (tls == SslMode.DISABLE) {
            return;
        }
        String where = "the " + s.database().stableName() + " database's server " + s.host() + ":" + port(s);
        Optional<Boolean> speaksTls = speaksTls(s.host(), port(s), 10_000);
        if (speaksTls.isEmpty()) {
            LOG.info("{} did not answer the TLS check; the steps that need it reach it later", where);
            return;
        }
        if (!speaksTls.get()) {
            throw new ConfigurationException(Problem.of(CoreErrorCode.CONFIGURATION_INVALID,
                    where + " does not speak TLS (it declined the SSL request); nothing was changed",
                    "a server with TLS, its certificate verified (--database-sslmode " + tls.value + ")",
                    tlsFix(tls)));
        }
        if (!tls.verifies()) {
            return;
        }
        if (caFile == null && !Files.isReadable(defaultRootCertificate())) {
            throw new ConfigurationException(Problem.of(CoreErrorCode.CONFIGURATION_INVALID,
                    where + " speaks TLS, but there is no CA to verify its certificate with (no --database-ca-file, "
                            + "and pgjdbc's default " + defaultRootCertificate() + " does not exist); nothing was "
                            + "changed",
                    "the CA certificate that signed the server's certificate", tlsFix(tls)));
        }
        try (Connection c = ds.getConnection()) {
            LOG.debug("{}: TLS verified ({})", where, c.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            Optional<Throwable> failure = tlsFailure(e);
            if (failure.isPresent()) {
                throw new ConfigurationException(Problem.of(CoreErrorCode.CONFIGURATION_INVALID,
                        "TLS with " + where + " failed: " + failure.get().getMessage() + "; nothing was changed",
                        "a certificate signed by the CA, for the host name given (--database-sslmode " + tls.value
                                + ")", tlsFix(tls)));
            }
            LOG.info("{} refused the TLS check's connection ({}); the steps that need it reach it later", where,
                    e.getSQLState());
        }
    }

    /**
     * Whether a PostgreSQL server speaks TLS: its one-byte answer to the protocol's SSLRequest ({@code S} or
     * {@code N}), or empty when it does not answer (not reachable yet, not PostgreSQL).
     */
    static Optional<Boolean> speaksTls(String host, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(8);
            out.writeInt(80877103);
            out.flush();
            int answer = new DataInputStream(socket.getInputStream()).read();
            return answer == 'S' ? Optional.of(true) : answer == 'N' ? Optional.of(false) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The TLS part of a failed connection: a handshake or certificate failure, or a CA file that cannot be read. */
    static Optional<Throwable> tlsFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLException || c instanceof java.security.cert.CertificateException
                    || c instanceof FileNotFoundException) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private String tlsFix(SslMode tls) {
        return "pass the CA certificate that signed the servers' certificates as --database-ca-file FILE (PEM)"
                + (caFile == null ? " or put it at " + defaultRootCertificate() : "") + ", check that the host "
                + "given is one the certificate names" + (tls == SslMode.VERIFY_FULL ? " (or --database-sslmode "
                + "verify-ca)" : "") + ", give the server TLS if it has none, or, on a network you trust, "
                + "--database-sslmode require (encrypted, any certificate) or disable (not encrypted)";
    }

    /** For the report: where the databases were reached and how their TLS was checked (no passwords). */
    String describe() {
        if (!ownServers()) {
            return "temporary";
        }
        StringBuilder b = new StringBuilder("servers:");
        for (Server s : servers().values()) {
            b.append(' ').append(s.database().stableName()).append(' ').append(s.host()).append(':')
                    .append(port(s)).append('/')
                    .append(s.name() != null ? s.name() : s.database().database()).append(" as ")
                    .append(s.user() != null ? s.user() : s.database().superuser()).append(';');
        }
        SslMode tls = sslMode();
        b.append(" TLS ").append(switch (tls) {
            case DISABLE -> "off (--database-sslmode disable)";
            case REQUIRE -> "not verified (--database-sslmode require)";
            case VERIFY_CA, VERIFY_FULL -> "verified (" + tls.value + ") with " + (caFile != null
                    ? "the CA file " + caFile.toAbsolutePath() : defaultRootCertificate());
        });
        return b.toString();
    }

    /**
     * The servers' data source, whose TLS connection failures (the steps' connections, when the server did not answer
     * while the command started) name the options that fix them.
     */
    private static final class ExplainedDataSource implements DataSource {
        private final PGSimpleDataSource delegate;
        private final String fix;

        ExplainedDataSource(PGSimpleDataSource delegate, String fix) {
            this.delegate = delegate;
            this.fix = fix;
        }

        @Override
        public Connection getConnection() throws SQLException {
            try {
                return delegate.getConnection();
            } catch (SQLException e) {
                throw explained(e);
            }
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            try {
                return delegate.getConnection(username, password);
            } catch (SQLException e) {
                throw explained(e);
            }
        }

        private SQLException explained(SQLException e) {
            boolean tls = tlsFailure(e).isPresent() || "08004".equals(e.getSQLState()) && e.getCause() == null
                    && !"disable".equals(delegate.getSslMode());
            return tls ? new SQLException(e.getMessage() + " (TLS, --database-sslmode " + delegate.getSslMode()
                    + "; fix: " + fix + ")", e.getSQLState(), e) : e;
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return type.isInstance(delegate) ? type.cast(delegate) : delegate.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return type.isInstance(delegate) || delegate.isWrapperFor(type);
        }
    }
}
