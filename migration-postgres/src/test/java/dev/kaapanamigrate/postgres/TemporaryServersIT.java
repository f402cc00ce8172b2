package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.pgserver.os.Posix;
import dev.kaapanamigrate.postgres.internal.LiveServers;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Temporary servers on the moved data folders of a generated 0.4.2 installation. */
@KaapanaInstallation(size = InstallationSize.SMALL)
class TemporaryServersIT {

    private static final List<String> CONFIG_FILES = List.of("postgresql.conf", "pg_hba.conf", "pg_ident.conf",
            "postgresql.auto.conf");
    /** DBState in pg_control: the fourth 32-bit word (after the 64-bit system id and two version numbers). */
    private static final int DB_SHUTDOWNED = 1;

    private Path fast;
    private Libc folderLibc;

    @BeforeEach
    void moveFoldersOnce(GeneratedInstallation install, Manifest manifest) {
        fast = install.fastDataDir();
        folderLibc = Libc.valueOf(manifest.postgresLibc().toUpperCase(Locale.ROOT));
        RenameDataFoldersStep moves = new RenameDataFoldersStep(fast);
        if (moves.check(MigrationContext.standalone()) instanceof StepCheck.Pending) {
            moves.apply(MigrationContext.standalone());
        }
    }

    private TemporaryServers.Builder servers() {
        return TemporaryServers.builder(fast).folderLibc(folderLibc);
    }

    @Test
    void servesTheMovedFolderOverAPrivateSocketOnlyAndStopsWithACheckpointLeavingTheConfigUntouched(Manifest manifest)
            throws Exception {
        Path folder = fast.resolve(ServiceDatabase.ACCESS_INFORMATION.folder().to());
        Map<String, String> config = configDigests(folder);
        StandaloneContext ctx = MigrationContext.standalone();
        TemporaryServers servers = servers().build();

        DataSource ds = servers.dataSource(ServiceDatabase.ACCESS_INFORMATION, ctx);
        PostgresServer server = servers.server(ServiceDatabase.ACCESS_INFORMATION).orElseThrow();

        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM projects")).isEqualTo(Long.toString(manifest.projects().size()));
            assertThat(single(st, "SELECT current_user")).isEqualTo("kaapanauser");
            assertThat(single(st, "SHOW listen_addresses")).isEmpty();
            assertThat(single(st, "SELECT coalesce(host(inet_server_addr()), 'unix socket')")).isEqualTo("unix socket");
            assertThat(single(st, "SHOW hba_file")).startsWith(server.socketFile().getParent().toString());
            assertThat(single(st, "SHOW autovacuum")).isEqualTo("off");
            assertThat(single(st, "SHOW wal_level")).isEqualTo("minimal");
        }
        String admin = servers.jdbi(ServiceDatabase.ACCESS_INFORMATION, ctx).withHandle(h -> h.createQuery(
                "SELECT name FROM projects WHERE id = 1").mapTo(String.class).one());
        assertThat(admin).isEqualTo("admin");
        assertThat(Posix.mode(server.socketFile().getParent())).isEqualTo(0700);
        if (Posix.isRoot()) {
            assertThat(ownerOfProcess(server.pid())).as("runs as the folder's owner").isEqualTo(Posix.ownerUid(folder));
        }
        assertThat(ctx.get(TemporaryServers.RUNNING).orElseThrow()).containsKey(folder.toString());

        ctx.close();

        assertThat(server.isRunning()).isFalse();
        assertThat(ProcessHandle.of(server.pid())).isEmpty();
        assertThat(server.socketFile().getParent()).doesNotExist();
        assertThat(folder.resolve("postmaster.pid")).doesNotExist();
        assertThat(controlFileState(folder)).as("pg_control says: shut down cleanly").isEqualTo(DB_SHUTDOWNED);
        assertThat(configDigests(folder)).isEqualTo(config);
        assertThat(ctx.get(TemporaryServers.RUNNING).orElseThrow()).isEmpty();
    }

    @Test
    void onlyTheFirstRequestOfADatabaseTouchesTheContextAndEveryRequestGetsTheSameJdbi() throws Exception {
        try (StandaloneContext base = MigrationContext.standalone()) {
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            MigrationContext ctx = counting(base, calls);
            TemporaryServers servers = servers().build();

            Jdbi first = servers.jdbi(ServiceDatabase.DICOM_WEB_FILTER, ctx);
            int bookkeeping = calls.get();
            Jdbi again = servers.jdbi(ServiceDatabase.DICOM_WEB_FILTER, ctx);
            DataSource ds = servers.dataSource(ServiceDatabase.DICOM_WEB_FILTER, ctx);

            assertThat(bookkeeping).as("the start reads and journals the server's record and registers its stop")
                    .isPositive();
            assertThat(calls.get()).as("the data path afterwards leaves the context alone").isEqualTo(bookkeeping);
            assertThat(again).isSameAs(first);
            long series = again.withHandle(h -> h.createQuery("SELECT count(*) FROM dicom_data").mapTo(Long.class).one());
            assertThat(series).isPositive();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                assertThat(single(st, "SELECT current_database()")).isEqualTo(ServiceDatabase.DICOM_WEB_FILTER.database());
            }
            assertThat(base.get(TemporaryServers.RUNNING).orElseThrow()).hasSize(1);
        }
    }

    /** The context, counting the calls that read or write its values or hand it resources. */
    private static MigrationContext counting(MigrationContext delegate, java.util.concurrent.atomic.AtomicInteger calls) {
        java.util.Set<String> counted = java.util.Set.of("get", "require", "put", "putDurable", "fileArea",
                "closeBeforeLeavingState");
        return (MigrationContext) java.lang.reflect.Proxy.newProxyInstance(MigrationContext.class.getClassLoader(),
                new Class<?>[] {MigrationContext.class}, (proxy, method, args) -> {
                    if (counted.contains(method.getName())) {
                        calls.incrementAndGet();
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aFolderThatArchivesWalKeepsItsOwnWalLevel() throws Exception {
        Path folder = fast.resolve(ServiceDatabase.DICOM_WEB_FILTER.folder().to());
        Path autoConf = folder.resolve("postgresql.auto.conf");
        byte[] original = Files.readAllBytes(autoConf);
        Files.writeString(autoConf, "archive_mode = on\narchive_command = '/bin/true'\n",
                java.nio.file.StandardOpenOption.APPEND);
        try {
            StandaloneContext ctx = MigrationContext.standalone();
            TemporaryServers servers = servers().build();
            try (Connection c = servers.dataSource(ServiceDatabase.DICOM_WEB_FILTER, ctx).getConnection();
                 Statement st = c.createStatement()) {
                assertThat(single(st, "SHOW archive_mode")).isEqualTo("on");
                assertThat(single(st, "SHOW wal_level")).isEqualTo("replica");
                assertThat(single(st, "SHOW autovacuum")).isEqualTo("off");
            } finally {
                ctx.close();
            }
        } finally {
            Files.write(autoConf, original);
        }
    }

    @Test
    void noServerStartsWhileAnotherFolderWaitsAtIts04NameAndTheMovedFolderStaysAsItWas() throws Exception {
        // a run killed between two moves: access-information moved, the backend's folder back at its 0.4 name
        Path backend05 = fast.resolve(ServiceDatabase.BACKEND.folder().to());
        Path backend04 = fast.resolve(ServiceDatabase.BACKEND.folder().from());
        Path moved = fast.resolve(ServiceDatabase.ACCESS_INFORMATION.folder().to());
        Files.move(backend05, backend04);
        try {
            String before = Folders.digest(moved);
            TemporaryServers servers = servers().build();
            StandaloneContext ctx = MigrationContext.standalone();

            assertThatThrownBy(() -> servers.dataSource(ServiceDatabase.ACCESS_INFORMATION, ctx))
                    .isInstanceOf(PreconditionFailedException.class)
                    .hasMessageContaining("the data folder " + backend04 + " is still at its 0.4 name")
                    .hasMessageContaining("no temporary server was started")
                    .hasMessageContaining(RenameDataFoldersStep.ID);
            assertThat(servers.server(ServiceDatabase.ACCESS_INFORMATION)).isEmpty();
            assertThat(Folders.digest(moved)).as("the moved folder untouched").isEqualTo(before);
        } finally {
            Files.move(backend04, backend05);
        }
    }

    @Test
    void aFolderWithALiveServerIsRefusedAndNoServerIsStarted() {
        Path folder = fast.resolve(ServiceDatabase.DICOM_WEB_FILTER.folder().to());
        try (PostgresServer other = PostgresServer.start(folder)) {
            TemporaryServers servers = servers().build();
            StandaloneContext ctx = MigrationContext.standalone();

            assertThatThrownBy(() -> servers.dataSource(ServiceDatabase.DICOM_WEB_FILTER, ctx))
                    .isInstanceOf(PreconditionFailedException.class)
                    .hasMessageContaining("a live process uses " + folder)
                    .hasMessageContaining("pid " + other.pid())
                    .hasMessageContaining("no temporary server was started");
            assertThat(servers.server(ServiceDatabase.DICOM_WEB_FILTER)).isEmpty();
            assertThat(ctx.get(TemporaryServers.RUNNING)).isEmpty();
        }
    }

    @Test
    void binariesOfTheOtherLibcAreRefusedUnlessTheCallerAcceptsTheMismatch() throws Exception {
        Path folder = fast.resolve(ServiceDatabase.BACKEND.folder().to());
        Libc claimed = folderLibc == Libc.MUSL ? Libc.GLIBC : Libc.MUSL;
        // the binaries of the libc that made the folder, while the caller claims the other one made it
        PostgresBinaries actual = PostgresBinaries.resolve(folderLibc);
        TemporaryServers lying = TemporaryServers.builder(fast).folderLibc(claimed).binaries(actual).build();
        StandaloneContext ctx = MigrationContext.standalone();

        assertThatThrownBy(() -> lying.dataSource(ServiceDatabase.BACKEND, ctx))
                .isInstanceOf(PreconditionFailedException.class)
                .hasMessageContaining("sort text with the C library")
                .hasMessageContaining("kaapanauser (")
                .hasMessageContaining("the server was stopped before any text was compared")
                .hasMessageContaining("acceptLibcMismatch()");
        assertThat(lying.server(ServiceDatabase.BACKEND)).isEmpty();
        assertThat(folder.resolve("postmaster.pid")).doesNotExist();
        assertThat(ctx.get(TemporaryServers.RUNNING).orElseThrow()).isEmpty();

        try (TemporaryServers accepted = TemporaryServers.builder(fast).folderLibc(claimed).binaries(actual)
                .acceptLibcMismatch().build()) {
            DataSource ds = accepted.dataSource(ServiceDatabase.BACKEND, ctx);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                assertThat(single(st, "SELECT count(*) FROM kaapana_instance")).isNotEqualTo("0");
            }
        }
        assertThat(folder.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aDryRunRehearsesOnACopyAndLeavesTheRealFolderByteIdentical() throws Exception {
        Path folder = fast.resolve(ServiceDatabase.BACKEND.folder().to());
        String before = Folders.digest(folder);
        Path scratch = fast.getParent().resolve("rehearsals");
        StandaloneContext dryRun = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(),
                PlatformState.UNDEPLOYED, true);
        TemporaryServers servers = servers().rehearsalDirectory(scratch).build();

        DataSource ds = servers.dataSource(ServiceDatabase.BACKEND, dryRun);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            assertThat(single(st, "SELECT count(*) FROM job")).isNotEqualTo("0");
            st.execute("CREATE TABLE written_in_the_rehearsal (id int)"); // lands in the copy only
        }
        Path used = servers.server(ServiceDatabase.BACKEND).orElseThrow().dataDir();
        assertThat(used).startsWith(scratch).isNotEqualTo(folder);
        assertThat(dryRun.get(TemporaryServers.RUNNING)).as("nothing journaled for a rehearsal").isEmpty();

        dryRun.close();

        assertThat(Folders.digest(folder)).isEqualTo(before);
        try (var left = Files.list(scratch)) {
            assertThat(left).as("the copies are removed").isEmpty();
        }
    }

    @Test
    void aRunThatFailsAfterUsingAServerStillStopsItWithACheckpoint(GeneratedInstallation install) throws Exception {
        Path folder = fast.resolve(ServiceDatabase.ACCESS_INFORMATION.folder().to());
        TemporaryServers servers = servers().build();
        MigrationStep fails = new OrphanedServerMain.CountProjectsStep(servers, null) {
            @Override
            public String id() {
                return "test.fails-after-reading";
            }

            @Override
            public List<Change> apply(MigrationContext ctx) {
                super.apply(ctx);
                throw new IllegalStateException("the migration failed");
            }
        };

        MigrationResult result = MigrationPlan.builder().step(fails)
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .stateDirectory(install.root().resolve("failing-run-state")).build().run();

        assertThat(result.status()).isEqualTo(PlanStatus.FAILED);
        assertThat(servers.server(ServiceDatabase.ACCESS_INFORMATION)).isEmpty();
        assertThat(LiveServers.scan().judge(folder).finding()).as("no process uses the folder").isEmpty();
        assertThat(folder.resolve("postmaster.pid")).doesNotExist();
        assertThat(controlFileState(folder)).isEqualTo(DB_SHUTDOWNED);
    }

    private static String single(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private static Map<String, String> configDigests(Path folder) throws IOException {
        Map<String, String> digests = new LinkedHashMap<>();
        for (String name : CONFIG_FILES) {
            Path file = folder.resolve(name);
            digests.put(name, Files.exists(file) ? Folders.sha256(Files.readAllBytes(file)) : "absent");
        }
        return digests;
    }

    static int controlFileState(Path folder) throws IOException {
        byte[] control = Files.readAllBytes(folder.resolve("global/pg_control"));
        return ByteBuffer.wrap(control).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
    }

    static int ownerOfProcess(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.split("\\s+")[1]);
            }
        }
        throw new IllegalStateException("no Uid line for pid " + pid);
    }
}
