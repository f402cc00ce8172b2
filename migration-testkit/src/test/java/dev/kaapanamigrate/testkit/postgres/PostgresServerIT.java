package dev.kaapanamigrate.testkit.postgres;

import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.pgserver.Libc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.os.Posix;

/** Creates folders the way the postgres image does and runs real servers on them. */
class PostgresServerIT {

    private static final String USER = "kaapanauser";
    private static final String PASSWORD = "Kaapana2020";
    private static final List<String> CONFIG_FILES = List.of("postgresql.conf", "pg_hba.conf",
            "postgresql.auto.conf");

    @TempDir
    static Path shared;

    static PostgresCluster cluster;

    @BeforeAll
    static void createFolder() throws IOException {
        searchable(shared);
        cluster = PostgresCluster.create(shared.resolve("FAST/postgres-backend"),
                ClusterSpec.builder(USER, PASSWORD).build());
    }

    @Test
    void createdFolderLooksLikeTheImageMadeIt() throws IOException {
        Path dir = cluster.dataDir();

        assertThat(Files.readString(dir.resolve("PG_VERSION")).trim()).isEqualTo("17");
        if (Posix.isRoot()) {
            assertThat(Posix.ownerUid(dir)).isEqualTo(70);
            assertThat(Posix.ownerGid(dir)).isEqualTo(70);
            assertThat(Posix.ownerUid(dir.resolve("PG_VERSION"))).isEqualTo(70);
            assertThat(Posix.ownerUid(dir.resolve("pg_hba.conf"))).isEqualTo(70);
        } else {
            assertThat(Posix.ownerUid(dir)).isEqualTo(Posix.uid());
        }
        assertThat(Posix.mode(dir)).isEqualTo(0700);
        List<String> hba = Files.readAllLines(dir.resolve("pg_hba.conf"));
        assertThat(hba.get(hba.size() - 1)).isEqualTo("host all all all scram-sha-256");
        assertThat(hba).anyMatch(l -> l.matches("local\\s+all\\s+all\\s+trust"))
                .anyMatch(l -> l.matches("host\\s+all\\s+all\\s+127\\.0\\.0\\.1/32\\s+scram-sha-256"));
        String conf = Files.readString(dir.resolve("postgresql.conf"));
        assertThat(conf).containsOnlyOnce("listen_addresses = '*'\n").doesNotContain("#listen_addresses");
        assertThat(conf).contains("lc_messages = 'en_US.utf8'");
        assertThat(dir.resolve("postgresql.auto.conf")).exists();
        assertThat(dir.resolve("postmaster.pid")).as("the temporary server was stopped").doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("pwfile"));
        }
    }

    @Test
    void serverStartsWithoutChangingTheFolderAndStopsCompletely() throws Exception {
        Path dir = cluster.dataDir();
        List<byte[]> before = readConfig(dir);
        long pid;
        List<ProcessHandle> family;
        Path socketDir = null;

        try (PostgresServer server = cluster.start()) {
            pid = server.pid();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.dataDir()).isEqualTo(dir);
            assertThat(server.jdbcUrl(USER)).isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + USER);
            if (Posix.isRoot()) {
                assertThat(procUid(pid)).as("the postmaster runs as the folder's owner").isEqualTo(70);
            }
            DataSource ds = server.dataSource(USER, USER, PASSWORD);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                assertThat(single(s, "select version()")).contains("PostgreSQL 17.2").contains("linux-musl");
                assertThat(single(s, "select current_user")).isEqualTo(USER);
                assertThat(single(s, "show server_encoding")).isEqualTo("UTF8");
                assertThat(single(s, "show listen_addresses")).as("command line wins over the file")
                        .isEqualTo("127.0.0.1");
                assertThat(single(s, "show password_encryption")).isEqualTo("scram-sha-256");
                socketDir = Path.of(single(s, "show unix_socket_directories"));
                assertThat(socketDir.startsWith(dir)).as("private socket directory outside the folder").isFalse();
                assertThat(Posix.mode(socketDir)).isEqualTo(0700);
                assertThat(Posix.ownerUid(socketDir)).isEqualTo(Posix.isRoot() ? 70 : Posix.uid());
                assertThat(socketDir.resolve(".s.PGSQL." + server.port())).exists();
                try (PreparedStatement ps = c.prepareStatement(
                        "select datcollate, datctype from pg_database where datname = ?")) {
                    ps.setString(1, USER);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("en_US.utf8");
                        assertThat(rs.getString(2)).isEqualTo("en_US.utf8");
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("select count(*) from pg_roles where rolname = ?")) {
                    ps.setString(1, "postgres");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("no postgres role, as with POSTGRES_USER set").isZero();
                    }
                }
                assertThat(single(s, "select rolpassword from pg_authid where rolname = current_user"))
                        .startsWith("SCRAM-SHA-256$");
                // the bundled libraries are found for extensions too (RUNPATH of the postgres binary)
                s.execute("create extension if not exists \"uuid-ossp\"");
                s.execute("create extension if not exists pgcrypto");
                assertThat(single(s, "select uuid_generate_v4()::text")).hasSize(36);
                assertThat(single(s, "select encode(digest('abc', 'sha256'), 'hex')"))
                        .startsWith("ba7816bf");
                // musl collates by code point whatever datcollate says
                assertThat(single(s, "select string_agg(x, '' order by x) from (values ('a'), ('B')) v(x)"))
                        .isEqualTo("Ba");
            }
            family = new ArrayList<>(ProcessHandle.of(pid).orElseThrow().descendants()
                    .collect(Collectors.toList()));
            family.add(ProcessHandle.of(pid).orElseThrow());
            assertThat(family).as("postmaster and its background processes").hasSizeGreaterThan(3);
        }

        assertThat(family).allSatisfy(p -> assertThat(p.isAlive()).as("process %d", p.pid()).isFalse());
        assertThat(ProcessHandle.allProcesses().filter(p -> cmdline(p).contains(dir.toString())))
                .as("no process runs on the folder").isEmpty();
        assertThat(dir.resolve("postmaster.pid")).doesNotExist();
        assertThat(socketDir).as("socket directory removed").doesNotExist();
        List<byte[]> after = readConfig(dir);
        for (int i = 0; i < CONFIG_FILES.size(); i++) {
            assertThat(after.get(i)).as(CONFIG_FILES.get(i) + " unchanged").isEqualTo(before.get(i));
        }
    }

    @Test
    void passwordLoginWorksAndAWrongPasswordIsRefused() throws SQLException {
        try (PostgresServer server = cluster.start()) {
            try (Connection c = server.dataSource("postgres", USER, PASSWORD).getConnection();
                    Statement s = c.createStatement()) {
                assertThat(single(s, "select current_database()")).isEqualTo("postgres");
            }
            assertThatThrownBy(() -> server.dataSource(USER, USER, "wrong").getConnection().close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"))
                    .hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> server.dataSource(USER, "postgres", PASSWORD).getConnection().close())
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void twoServersRunAtOnceOnTwoFolders(@TempDir Path tmp) throws Exception {
        searchable(tmp);
        PostgresCluster airflow = PostgresCluster.create(tmp.resolve("airflow-postgres-data"),
                ClusterSpec.builder("root", "root").database("airflow").syncToDisk(false).build());
        try (PostgresServer a = cluster.start(); PostgresServer b = airflow.start()) {
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.pid()).isNotEqualTo(b.pid());
            try (Connection ca = a.dataSource(USER, USER, PASSWORD).getConnection();
                    Connection cb = b.dataSource("airflow", "root", "root").getConnection();
                    Statement sa = ca.createStatement(); Statement sb = cb.createStatement()) {
                assertThat(single(sa, "select current_database()")).isEqualTo(USER);
                assertThat(single(sb, "select current_database()")).isEqualTo("airflow");
                assertThat(single(sb, "show data_directory")).isEqualTo(airflow.dataDir().toString());
                assertThat(single(sa, "show data_directory")).isEqualTo(cluster.dataDir().toString());
            }
        }
    }

    @Test
    void databasePostgresCreatesNoExtraDatabase(@TempDir Path tmp) throws Exception {
        searchable(tmp);
        PostgresCluster c = PostgresCluster.create(tmp.resolve("pg"),
                ClusterSpec.builder("keycloak", "keycloak").database("postgres").syncToDisk(false).build());
        try (PostgresServer server = c.start(); Connection con = server.dataSource("postgres", "keycloak",
                "keycloak").getConnection(); Statement s = con.createStatement()) {
            assertThat(single(s, "select string_agg(datname, ',' order by datname) from pg_database"))
                    .isEqualTo("postgres,template0,template1");
        }
    }

    @Test
    void glibcBinariesCreateAndRunAFolderWithCUtf8(@TempDir Path tmp) throws Exception {
        searchable(tmp);
        PostgresBinaries glibc = PostgresBinaries.resolve(Libc.GLIBC);
        PostgresCluster c = PostgresCluster.create(tmp.resolve("glibc"),
                ClusterSpec.builder("kaapanauser", "pw").syncToDisk(false).build(), glibc);
        try (PostgresServer server = c.start(); Connection con = server.dataSource("kaapanauser", "kaapanauser",
                "pw").getConnection(); Statement s = con.createStatement()) {
            assertThat(single(s, "select version()")).contains("PostgreSQL 17.2").contains("linux-gnu");
            assertThat(single(s, "select datcollate from pg_database where datname = current_database()"))
                    .isEqualTo("C.UTF-8");
        }
    }

    @Test
    void refusesANonEmptyFolder(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("something"), "x");

        assertThatThrownBy(() -> PostgresCluster.create(tmp, ClusterSpec.builder("u", "secret-pw").build()))
                .isInstanceOf(PostgresTestkitException.class).hasMessageContaining("not empty")
                .hasMessageNotContaining("secret-pw");
    }

    @Test
    void refusesAFolderThatUid70CannotReach(@TempDir Path tmp) {
        if (!Posix.isRoot()) {
            assertThat(Posix.unreachable(tmp.resolve("x"), Posix.uid(), Posix.gid(), "folder")).isEmpty();
            return;
        }
        // @TempDir is 0700 root: uid 70 cannot search it
        assertThatThrownBy(() -> PostgresCluster.create(tmp.resolve("pg"), ClusterSpec.builder("u", "pw").build()))
                .isInstanceOf(PostgresTestkitException.class).hasMessageContaining("cannot be reached by uid 70")
                .hasMessageContaining(tmp.toString()).hasMessageContaining("chmod o+x");
    }

    @Test
    void failedStartReportsTheServerLog(@TempDir Path tmp) throws IOException {
        Path broken = folderWithOnly(tmp.resolve("broken"), "17");
        Posix.chmod(broken, 0700);
        Posix.chmod(broken.resolve("PG_VERSION"), 0600);
        if (Posix.isRoot()) {
            Posix.chownTree(broken, 70, 70);
        }

        assertThatThrownBy(() -> PostgresServer.start(broken)).isInstanceOf(DatabaseServerException.class)
                .hasMessageContaining("Server log").hasMessageContaining("postgresql.conf");
        assertThat(ProcessHandle.allProcesses().filter(p -> cmdline(p).contains(broken.toString()))).isEmpty();
    }

    @Test
    void refusesARootOwnedFolderOrAWrongMajorVersion(@TempDir Path tmp) throws IOException {
        Path folder = folderWithOnly(tmp.resolve("pg"), "16");
        assertThatThrownBy(() -> PostgresServer.start(folder)).isInstanceOf(DatabaseServerException.class)
                .hasMessageContaining("PostgreSQL 16").hasMessageContaining("17.2");

        Files.writeString(folder.resolve("PG_VERSION"), "17\n");
        if (Posix.isRoot()) {
            assertThatThrownBy(() -> PostgresServer.start(folder)).isInstanceOf(DatabaseServerException.class)
                    .hasMessageContaining("owned by root").hasMessageContaining("chown -R 70:70");
        }
    }

    /** A folder with nothing but {@code PG_VERSION}, in a directory uid 70 can reach. */
    private static Path folderWithOnly(Path folder, String pgVersion) throws IOException {
        searchable(folder.getParent());
        Files.createDirectory(folder);
        Files.writeString(folder.resolve("PG_VERSION"), pgVersion + "\n");
        return folder;
    }

    private static void searchable(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<byte[]> readConfig(Path dir) throws IOException {
        List<byte[]> contents = new ArrayList<>();
        for (String f : CONFIG_FILES) {
            contents.add(Files.readAllBytes(dir.resolve(f)));
        }
        return contents;
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    private static int procUid(long pid) throws IOException {
        Optional<String> line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst();
        return Integer.parseInt(line.orElseThrow().split("\\s+")[2]); // effective uid
    }

    private static String cmdline(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
