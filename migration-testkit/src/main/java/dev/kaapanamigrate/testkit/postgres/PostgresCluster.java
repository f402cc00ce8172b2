package dev.kaapanamigrate.testkit.postgres;

import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kaapanamigrate.pgserver.os.ExternalCommands;
import dev.kaapanamigrate.pgserver.os.Posix;
import dev.kaapanamigrate.pgserver.os.PrivateDirectory;
import dev.kaapanamigrate.testkit.internal.PasswdOverlay;
import dev.kaapanamigrate.testkit.internal.PodServers;

/**
 * A PostgreSQL data folder created the way the official {@code postgres} image (and so Kaapana's PostgreSQL
 * pods) creates it on first start:
 * <ol>
 * <li>{@code initdb --username=<superuser> --pwfile=<password> -E UTF8 --locale=<locale> --auth-local=trust
 * --auth-host=scram-sha-256} (the password file is deleted right after);</li>
 * <li>{@code host all all all scram-sha-256} appended to {@code pg_hba.conf} and {@code listen_addresses = '*'}
 * set in {@code postgresql.conf}, as the image does;</li>
 * <li>the database {@code POSTGRES_DB} created with a temporary server, unless it is {@code postgres}.</li>
 * </ol>
 * The folder gets mode 0700. When the JVM runs as root, the folder is owned by and the tools run as
 * {@link ClusterSpec#ownerUid()} (70, Alpine's {@code postgres} user, by default); otherwise by and as the
 * current user.
 *
 * <p>Immutable; start servers on it with {@link #start()}.
 */
public final class PostgresCluster {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern LISTEN = Pattern.compile("^#?(listen_addresses)\\s*=\\s*\\S+.*$",
            Pattern.MULTILINE);

    private final Path dataDir;
    private final ClusterSpec spec;
    private final PostgresBinaries binaries;

    private PostgresCluster(Path dataDir, ClusterSpec spec, PostgresBinaries binaries) {
        this.dataDir = dataDir;
        this.spec = spec;
        this.binaries = binaries;
    }

    /**
     * Creates a data folder with the binaries {@link PostgresBinaries#resolve()} chooses.
     *
     * @param dataDir the folder to create (missing or empty; its parent directories are created)
     * @param spec    user, password, database, locale, owner
     * @return the created folder (no server running)
     * @throws PostgresTestkitException if the folder is not empty, not reachable by the owner, or a tool fails
     */
    public static PostgresCluster create(Path dataDir, ClusterSpec spec) {
        return create(dataDir, spec, PostgresBinaries.resolve());
    }

    /**
     * Creates a data folder with the given binaries.
     *
     * @param dataDir  the folder to create (missing or empty; its parent directories are created)
     * @param spec     user, password, database, locale, owner
     * @param binaries the binaries (their libc decides the collation behaviour of the folder)
     * @return the created folder (no server running)
     * @throws PostgresTestkitException if the folder is not empty, not reachable by the owner, or a tool fails
     */
    public static PostgresCluster create(Path dataDir, ClusterSpec spec, PostgresBinaries binaries) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(binaries, "binaries");
        Path dir = dataDir.toAbsolutePath().normalize();
        boolean root = Posix.isRoot();
        int uid = root ? spec.ownerUid() : Posix.uid();
        int gid = root ? spec.ownerGid() : Posix.gid();
        String locale = spec.locale().orElse(binaries.defaultLocale());
        long start = System.nanoTime();

        prepareFolder(dir, uid, gid);
        requireReachable(dir, uid, gid, "data folder");
        requireReachable(binaries.bin("initdb"), uid, gid, "PostgreSQL binaries");
        initdb(dir, spec, binaries, uid, gid, locale);
        long initdbMs = (System.nanoTime() - start) / 1_000_000;
        configureLikeTheImage(dir);
        if (!spec.database().equals("postgres")) {
            createDatabase(dir, spec, binaries);
        }
        LOG.info("Created PostgreSQL folder {} ({}, locale {}, owner {}:{}) in {} ms (initdb {} ms)", dir,
                binaries.libc(), locale, uid, gid, (System.nanoTime() - start) / 1_000_000, initdbMs);
        return new PostgresCluster(dir, spec, binaries);
    }

    /**
     * The data folder.
     *
     * @return its absolute path
     */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * The spec the folder was created with.
     *
     * @return the spec
     */
    public ClusterSpec spec() {
        return spec;
    }

    /**
     * The binaries that created the folder.
     *
     * @return the binaries
     */
    public PostgresBinaries binaries() {
        return binaries;
    }

    /**
     * Starts a server on this folder with the binaries that created it, on {@code 127.0.0.1} with the folder's own
     * {@code pg_hba.conf}, like a database pod behind a port-forward. A server the test does not close is stopped
     * when the test JVM exits.
     *
     * @return the running server; close it to stop it
     * @throws dev.kaapanamigrate.pgserver.DatabaseServerException if it does not start
     */
    public PostgresServer start() {
        return PodServers.start(dataDir, binaries);
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + dataDir + ", " + spec + ", " + binaries.libc() + "]";
    }

    private static void prepareFolder(Path dir, int uid, int gid) {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new PostgresTestkitException("Cannot create a PostgreSQL folder at " + dir
                            + ": it exists and is not a directory.");
                }
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new PostgresTestkitException("Cannot create a PostgreSQL folder at " + dir
                                + ": the directory is not empty. Pass a missing or empty directory.");
                    }
                }
            } else {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir);
            }
            Posix.chmod(dir, 0700);
            if (Posix.uid() != uid) {
                Posix.chown(dir, uid, gid);
            }
        } catch (IOException e) {
            throw new PostgresTestkitException("Cannot prepare the PostgreSQL folder " + dir + ": " + e, e);
        }
    }

    private static void requireReachable(Path path, int uid, int gid, String what) {
        Posix.unreachable(path, uid, gid, what).ifPresent(why -> {
            throw new PostgresTestkitException(why);
        });
    }

    private static void initdb(Path dir, ClusterSpec spec, PostgresBinaries binaries, int uid, int gid,
            String locale) {
        try (PrivateDirectory work = PrivateDirectory.create(uid, gid)) { // deleted with the password file
            Path pwfile = work.resolve("pwfile");
            Path log = work.resolve("initdb.log");
            try {
                Files.writeString(pwfile, spec.password() + "\n", StandardCharsets.UTF_8);
                Posix.chmod(pwfile, 0600);
                if (Posix.uid() != uid) {
                    Posix.chown(pwfile, uid, gid);
                }
                List<String> args = new ArrayList<>(List.of(binaries.bin("initdb").toString(), "-D", dir.toString(),
                        "--username=" + spec.superuser(), "--pwfile=" + pwfile, "-E", "UTF8", "--locale=" + locale,
                        "--auth-local=trust", "--auth-host=scram-sha-256"));
                if (!spec.syncToDisk()) {
                    args.add("--no-sync");
                }
                List<String> cmd = ExternalCommands.asUser(args, uid, gid);
                if (Posix.isRoot() && !PasswdOverlay.hasEntry(uid)) {
                    // initdb looks its uid up in /etc/passwd; give it an entry in a private mount namespace
                    Path passwd = work.resolve("passwd");
                    PasswdOverlay.write(passwd, uid, gid);
                    cmd = PasswdOverlay.wrap(cmd, passwd);
                }
                int rc = ExternalCommands.run(cmd, work.path(), log, INITDB_TIMEOUT);
                if (rc != 0) {
                    String output = ExternalCommands.tail(log, 20);
                    throw new PostgresTestkitException("initdb for " + dir + " (locale " + locale + ", uid " + uid
                            + ") exited with code " + rc + ". Output (last lines):\n" + output + hint(output, locale));
                }
            } catch (IOException e) {
                throw new PostgresTestkitException("Could not run initdb for " + dir + ": " + e.getMessage()
                        + ". Output (last lines):\n" + ExternalCommands.tail(log, 20), e);
            }
        }
    }

    private static String hint(String output, String locale) {
        if (output.contains("invalid locale")) {
            return "\nThe locale '" + locale + "' may not exist for these binaries; musl accepts any name, glibc "
                    + "only installed locales (C.UTF-8 always exists).";
        }
        if (output.contains("could not look up effective user ID")) {
            return "\nThe owner uid has no /etc/passwd entry and no private mount namespace could be made; run "
                    + "as root with CAP_SYS_ADMIN, or add the user.";
        }
        return "";
    }

    /** What docker-entrypoint.sh (pg_setup_hba_conf) and the image's postgresql.conf.sample edit do. */
    private static void configureLikeTheImage(Path dir) {
        Path hba = dir.resolve("pg_hba.conf");
        Path conf = dir.resolve("postgresql.conf");
        try {
            // in-place writes keep the owner (uid 70) and mode 0600 of the files initdb made
            Files.writeString(hba, "\nhost all all all scram-sha-256\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            String text = Files.readString(conf, StandardCharsets.UTF_8);
            Matcher m = LISTEN.matcher(text);
            if (!m.find()) {
                throw new PostgresTestkitException("initdb wrote " + conf + " without a listen_addresses line; "
                        + "expected one as in PostgreSQL's postgresql.conf.sample.");
            }
            text = text.substring(0, m.start()) + "listen_addresses = '*'" + text.substring(m.end());
            Files.writeString(conf, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new PostgresTestkitException("Could not configure " + dir + " like the postgres image: " + e, e);
        }
    }

    /** The entrypoint's temporary server: here on 127.0.0.1 (pgjdbc has no Unix sockets without extra jars). */
    private static void createDatabase(Path dir, ClusterSpec spec, PostgresBinaries binaries) {
        try (PostgresServer server = PodServers.start(dir, binaries);
                Connection c = server.dataSource("postgres", spec.superuser(), spec.password()).getConnection();
                Statement s = c.createStatement()) {
            // an identifier cannot be a bind parameter; quoted as psql's :"db" does
            s.execute("CREATE DATABASE " + quoteIdentifier(spec.database()));
        } catch (SQLException e) {
            throw new PostgresTestkitException("Could not create the database '" + spec.database() + "' in " + dir
                    + " as '" + spec.superuser() + "': " + e.getMessage(), e);
        }
    }

    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
