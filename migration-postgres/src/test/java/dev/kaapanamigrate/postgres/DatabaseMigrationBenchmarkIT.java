package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationEvent;
import dev.kaapanamigrate.core.MigrationListener;
import dev.kaapanamigrate.core.MigrationPlan;
import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlanStatus;
import dev.kaapanamigrate.core.PlatformControl;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import dev.kaapanamigrate.pgserver.PostgresServer;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.InstallationSpec;
import dev.kaapanamigrate.testkit.SchemaFingerprint;
import dev.kaapanamigrate.testkit.internal.DatabaseLoader;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.testkit.postgres.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three database migrations against the raw-client baseline ({@link UpstreamRevisions}, upstream's revisions
 * translated statement by statement) on identical copies of the same generated databases, in the same run, on the
 * same server: prints time and WAL of each, and their ratios, and asserts that both produce the same catalogue. In the
 * normal build it runs once on the SMALL installation (seconds), as that equivalence check; the benchmark proper runs
 * on request (loading LARGE takes a minute): {@code -Dkaapana.benchmark=true}, size with
 * {@code -Dkaapana.benchmark.size=LARGE|MEDIUM|SMALL} (default LARGE: one million jobs, one million dataset
 * memberships, 1.1 million series→project mappings). With
 * {@code -Dkaapana.benchmark.dir=<folder>} the loaded databases are kept there and reused by the next run (delete
 * the folder after a change of the generator). The server runs with the temporary servers' settings. Each of
 * {@code -Dkaapana.benchmark.rounds=N} rounds (default 3, 1 without the benchmark flag) runs both on fresh copies;
 * the table shows medians.
 *
 * <p>The steps' figure that compares with the baseline is {@code apply} (the migration statements, plus the baseline
 * digests the verification needs); {@code check} and {@code verify} are reported beside it.
 */
class DatabaseMigrationBenchmarkIT {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseMigrationBenchmarkIT.class);
    private static final String USER = "kaapanauser";
    private static final String PASSWORD = "Kaapana2020";

    @Test
    void migratesLikeUpstreamsRevisionsInLessTimeAndWal() throws Exception {
        boolean benchmark = Boolean.getBoolean("kaapana.benchmark");
        InstallationSize size = InstallationSize.valueOf(System.getProperty("kaapana.benchmark.size",
                benchmark ? "LARGE" : "SMALL"));
        InstallationSpec spec = InstallationSpec.of(size);
        String kept = System.getProperty("kaapana.benchmark.dir");
        Path root = kept != null ? Path.of(kept) : Files.createTempDirectory("db-benchmark-");
        Path marker = root.resolve("loaded-" + size);
        boolean loaded = Files.isRegularFile(marker);
        if (!loaded) {
            assertThat(root.resolve("pg")).as("a half-loaded benchmark folder: delete " + root).doesNotExist();
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            PostgresCluster.create(root.resolve("pg"), ClusterSpec.of(USER, PASSWORD, USER), PostgresBinaries.resolve());
        }
        // The settings of the temporary servers the steps run on in a real migration.
        PostgresServer.Builder builder = PostgresServer.on(root.resolve("pg")).binaries(PostgresBinaries.resolve())
                .listen(PostgresServer.Listen.TCP_LOOPBACK);
        for (Map.Entry<String, String> setting : dev.kaapanamigrate.postgres.internal.ServerLauncher.settings(true,
                PostgresBinaries.resolve().majorVersion()).entrySet()) {
            builder = builder.setting(setting.getKey(), setting.getValue());
        }
        try (PostgresServer server = builder.start()) {
            dropCopies(server);
            if (loaded) {
                LOG.warn("Reusing the databases loaded in {}", root);
            } else {
                load(server, spec);
                Files.createFile(marker);
            }
            int rounds = Integer.getInteger("kaapana.benchmark.rounds", benchmark ? 3 : 1);
            List<Round> results = new java.util.ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                results.add(round(server));
                LOG.warn("Round {} of {}:{}", round, rounds, table(List.of(results.get(round - 1))));
            }
            LOG.warn("{} databases, median of {} round(s), the steps' apply against upstream's revisions (ratio < 1: the "
                    + "steps are faster):{}", size, rounds, table(results));
        } finally {
            if (kept == null) {
                try (var files = Files.walk(root)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void dropCopies(PostgresServer server) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement()) {
            for (ServiceDatabase db : ServiceDatabase.values()) {
                for (String suffix : List.of("raw", "steps")) {
                    st.execute("DROP DATABASE IF EXISTS " + name(db, suffix));
                }
            }
        }
    }

    /** Per database: upstream's run, and the step's check, apply (time and WAL) and verify. */
    private record Round(Map<ServiceDatabase, Run> upstream, Map<ServiceDatabase, Run> apply,
                         Map<ServiceDatabase, Long> checkMillis, Map<ServiceDatabase, Long> verifyMillis) {
    }

    /** Upstream's revisions, then the steps, each on fresh copies of the loaded databases; the copies dropped after. */
    private static Round round(PostgresServer server) throws Exception {
        Map<ServiceDatabase, Run> raw = new EnumMap<>(ServiceDatabase.class);
        copy(server, "raw");
        try (Connection aii = connect(server, "aii_raw"); Connection dwf = connect(server, "dwf_raw");
             Connection backend = connect(server, "backend_raw")) {
            List<Map<Integer, UUID>> projects = new java.util.ArrayList<>();
            raw.put(ServiceDatabase.ACCESS_INFORMATION, measure(aii, () -> projects.add(UpstreamRevisions.accessInformation(aii))));
            raw.put(ServiceDatabase.DICOM_WEB_FILTER, measure(dwf, () -> UpstreamRevisions.dicomWebFilter(dwf, projects.get(0))));
            raw.put(ServiceDatabase.BACKEND, measure(backend, () -> UpstreamRevisions.backend(backend, projects.get(0).get(1))));
        }

        copy(server, "steps");
        Map<ServiceDatabase, TimedStep> steps = new EnumMap<>(ServiceDatabase.class);
        DatabaseConnections connections = DatabaseConnections.of(Map.of(
                ServiceDatabase.ACCESS_INFORMATION, dataSource(server, "aii_steps"),
                ServiceDatabase.DICOM_WEB_FILTER, dataSource(server, "dwf_steps"),
                ServiceDatabase.BACKEND, dataSource(server, "backend_steps")));
        DatabaseMigrationOptions options = DatabaseMigrationOptions.defaults();
        steps.put(ServiceDatabase.ACCESS_INFORMATION, new TimedStep(new MigrateAccessInformationStep(connections, options),
                connections, ServiceDatabase.ACCESS_INFORMATION));
        steps.put(ServiceDatabase.DICOM_WEB_FILTER, new TimedStep(new MigrateDicomWebFilterStep(connections, options),
                connections, ServiceDatabase.DICOM_WEB_FILTER));
        steps.put(ServiceDatabase.BACKEND, new TimedStep(new MigrateBackendStep(connections), connections,
                ServiceDatabase.BACKEND));
        MigrationResult result = MigrationPlan.builder()
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState()
                .listener(new ProgressLog())
                .step(steps.get(ServiceDatabase.ACCESS_INFORMATION))
                .step(steps.get(ServiceDatabase.DICOM_WEB_FILTER), MigrateAccessInformationStep.ID)
                .step(steps.get(ServiceDatabase.BACKEND), MigrateAccessInformationStep.ID).build().run();

        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        Round round = new Round(raw, new EnumMap<>(ServiceDatabase.class), new EnumMap<>(ServiceDatabase.class),
                new EnumMap<>(ServiceDatabase.class));
        for (ServiceDatabase db : ServiceDatabase.values()) {
            TimedStep s = steps.get(db);
            round.apply.put(db, s.apply);
            round.checkMillis.put(db, s.checkMillis);
            round.verifyMillis.put(db, s.verifyMillis);
            try (Connection a = connect(server, name(db, "raw")); Connection b = connect(server, name(db, "steps"))) {
                assertThat(SchemaFingerprint.of(b)).as("the steps' schema of " + db.stableName()
                        + " equals upstream's").isEqualTo(SchemaFingerprint.of(a));
            }
        }
        dropCopies(server);
        return round;
    }

    /** The medians over the rounds, per database, and the sums of the medians. */
    private static String table(List<Round> rounds) {
        StringBuilder table = new StringBuilder(String.format("%n%-20s %12s %10s %7s %13s %11s %7s %9s %10s",
                "database", "upstream ms", "apply ms", "ratio", "upstream WAL", "apply WAL", "ratio", "check ms",
                "verify ms"));
        long rawTotal = 0;
        long applyTotal = 0;
        for (ServiceDatabase db : ServiceDatabase.values()) {
            long raw = median(rounds, r -> r.upstream.get(db).millis);
            long apply = median(rounds, r -> r.apply.get(db).millis);
            long rawWal = median(rounds, r -> r.upstream.get(db).walBytes);
            long applyWal = median(rounds, r -> r.apply.get(db).walBytes);
            rawTotal += raw;
            applyTotal += apply;
            table.append(String.format("%n%-20s %12d %10d %7.2f %13s %11s %7.3f %9d %10d", db.stableName(), raw, apply,
                    ratio(apply, raw), mb(rawWal), mb(applyWal), ratio(applyWal, rawWal),
                    median(rounds, r -> r.checkMillis.get(db)), median(rounds, r -> r.verifyMillis.get(db))));
        }
        table.append(String.format("%n%-20s %12d %10d %7.2f", "all three", rawTotal, applyTotal, ratio(applyTotal, rawTotal)));
        return table.toString();
    }

    private static long median(List<Round> rounds, java.util.function.ToLongFunction<Round> value) {
        long[] values = rounds.stream().mapToLong(value).sorted().toArray();
        return values[values.length / 2];
    }

    private static void load(PostgresServer server, InstallationSpec spec) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement()) {
            for (ServiceDatabase db : ServiceDatabase.values()) {
                st.execute("CREATE DATABASE " + name(db, "src"));
            }
        }
        long start = System.nanoTime();
        DatabaseLoader loader = new DatabaseLoader(new InstallationModel(spec));
        try (Connection aii = connect(server, "aii_src"); Connection dwf = connect(server, "dwf_src");
             Connection backend = connect(server, "backend_src")) {
            loader.loadAccessInformation(aii);
            loader.loadDicomWebFilter(dwf);
            loader.loadBackend(backend);
            for (Connection c : new Connection[]{aii, dwf, backend}) {
                try (Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE"); // as a database that has run for a while
                }
            }
        }
        LOG.warn("Loading took {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** Copies the three loaded databases (file copy: neither run pays for the other's cache or WAL). */
    private static void copy(PostgresServer server, String suffix) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement()) {
            for (ServiceDatabase db : ServiceDatabase.values()) {
                st.execute("CREATE DATABASE " + name(db, suffix) + " TEMPLATE " + name(db, "src") + " STRATEGY FILE_COPY");
            }
            st.execute("CHECKPOINT");
        }
    }

    private static String name(ServiceDatabase db, String suffix) {
        return switch (db) {
            case ACCESS_INFORMATION -> "aii_" + suffix;
            case DICOM_WEB_FILTER -> "dwf_" + suffix;
            case BACKEND -> "backend_" + suffix;
        };
    }

    private static DataSource dataSource(PostgresServer server, String database) {
        return server.dataSource(database, USER, PASSWORD);
    }

    private static Connection connect(PostgresServer server, String database) throws SQLException {
        return dataSource(server, database).getConnection();
    }

    private record Run(long millis, long walBytes) {
    }

    private interface Work {
        void run() throws Exception;
    }

    private static Run measure(Connection c, Work work) throws Exception {
        long lsn = walPosition(c);
        long start = System.nanoTime();
        work.run();
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Run(millis, walPosition(c) - lsn);
    }

    private static long walPosition(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1_048_576.0);
    }

    /** Measures a step's three phases (and the WAL its apply writes). */
    private static final class TimedStep implements MigrationStep {
        private final MigrationStep step;
        private final DatabaseConnections connections;
        private final ServiceDatabase db;
        private long checkMillis;
        private long verifyMillis;
        private Run apply;

        TimedStep(MigrationStep step, DatabaseConnections connections, ServiceDatabase db) {
            this.step = step;
            this.connections = connections;
            this.db = db;
        }

        @Override
        public String id() {
            return step.id();
        }

        @Override
        public String description() {
            return step.description();
        }

        @Override
        public PlatformState requiredState() {
            return step.requiredState();
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            long start = System.nanoTime();
            try {
                return step.check(ctx);
            } finally {
                checkMillis += (System.nanoTime() - start) / 1_000_000;
            }
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            List<Change> changes = new java.util.ArrayList<>();
            try (Connection c = connections.dataSource(db, ctx).getConnection()) {
                apply = measure(c, () -> changes.addAll(step.apply(ctx)));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return changes;
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            long start = System.nanoTime();
            try {
                return step.verify(ctx);
            } finally {
                verifyMillis += (System.nanoTime() - start) / 1_000_000;
            }
        }
    }

    /** Logs each progress event with the time since the step's previous event: where a step spends its time. */
    private static final class ProgressLog implements MigrationListener {
        private final Supplier<Long> clock = System::nanoTime;
        private long last = clock.get();

        @Override
        public void stepStarted(MigrationEvent.StepStarted event) {
            last = clock.get();
        }

        @Override
        public void stepProgress(MigrationEvent.StepProgress event) {
            long now = clock.get();
            LOG.info("{}: {}/{} {} (+{} ms)", event.stepId(), event.done(), event.total(), event.unit(), (now - last) / 1_000_000);
            last = now;
        }
    }
}
