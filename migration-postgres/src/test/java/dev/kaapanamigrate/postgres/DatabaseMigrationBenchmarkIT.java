package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.IdSource;
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
import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationSize;
import dev.kaapanamigrate.testkit.InstallationSpec;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.SchemaFingerprint;
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
 * The three database migrations and the reference rewrite ({@code postgres.rewrite-backend-references}) against two
 * baselines on identical copies of the same generated databases, in the same run, on the same server: the tuned
 * hand-written script ({@link TunedScript}: set-based, each database one transaction, dead keys dropped before the
 * updates, membership and job tables rebuilt; no verification) and the literal translation of upstream's revisions
 * ({@link UpstreamRevisions}: the three migrations only, upstream rewrites no job). Prints per database and in total
 * the time of both baselines, the steps' check, apply and verify and their sum ("whole"), the ratios against the tuned
 * script, and the WAL each writes; asserts that all three produce the same catalogue and that the tuned script and the
 * steps produce the same data (a digest of every row of every table and the sequences' values). The script's backend
 * migration and reference rewrite share one transaction, whose commit (the rebuilt membership table's sync or WAL
 * flush among it) falls to the references; so the backend row and the three migrations compare with the script's
 * backend migration alone, committed on a copy of its own ({@link TunedScript#backendMigration}), and all four with the
 * one transaction.
 *
 * <p>In the normal build it runs once on the SMALL installation (seconds), as that equivalence check; the benchmark
 * proper runs on request: {@code -Dkaapana.benchmark=true}, data with {@code -Dkaapana.benchmark.size=LARGE|MEDIUM|
 * SMALL|ISSUE} (default LARGE: one million jobs, one million dataset memberships, 1.1 million series→project
 * mappings; ISSUE: the shape of issue 19, {@link IssueShapeDatabases}), servers with
 * {@code -Dkaapana.benchmark.modes=minimal,replica} (default both with the flag, else {@code minimal}: the temporary
 * servers' settings, {@code wal_level=minimal}; {@code replica}: PostgreSQL's defaults, as a caller's own server).
 * With {@code -Dkaapana.benchmark.dir=<folder>} the loaded databases are kept there and reused by the next run
 * (delete the folder after a change of the generator). Each of {@code -Dkaapana.benchmark.rounds=N} rounds (default
 * 3, 1 without the flag) runs the three on fresh file copies, the order alternating between rounds; the table shows
 * medians (a total is the median of the rounds' totals) and the best round's total ratios. Where the time goes:
 * {@code -Dkaapana.benchmark.slowStatementsMs=N} logs every statement of at least N ms, and
 * {@code -Dkaapana.benchmark.logConnections=true} every connection, in the server's log (its run folder).
 */
class DatabaseMigrationBenchmarkIT {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseMigrationBenchmarkIT.class);
    private static final String USER = "kaapanauser";
    private static final String PASSWORD = "Kaapana2020";
    /** The copies each round migrates: upstream's revisions, the tuned script, the backend's alone, the steps. */
    private static final List<String> COPIES = List.of("lit", "tuned", "tunedm", "steps");

    /** What the table reports per row: the three databases' migrations and the reference rewrite. */
    private enum Part {
        ACCESS_INFORMATION("access-information"), DICOM_WEB_FILTER("dicom-web-filter"), BACKEND("kaapana-backend"),
        REFERENCES("backend references");

        private final String label;

        Part(String label) {
            this.label = label;
        }
    }

    @Test
    void migratesLikeTheTunedScriptAndUpstreamsRevisions() throws Exception {
        boolean benchmark = Boolean.getBoolean("kaapana.benchmark");
        String size = System.getProperty("kaapana.benchmark.size", benchmark ? "LARGE" : "SMALL");
        List<String> modes = List.of(System.getProperty("kaapana.benchmark.modes", benchmark ? "minimal,replica"
                : "minimal").split(","));
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
        int rounds = Integer.getInteger("kaapana.benchmark.rounds", benchmark ? 3 : 1);
        try {
            for (String mode : modes) {
                try (PostgresServer server = start(root, mode.trim())) {
                    dropCopies(server);
                    if (loaded) {
                        LOG.warn("Reusing the databases loaded in {}", root);
                    } else {
                        load(server, size);
                        Files.createFile(marker);
                        loaded = true;
                    }
                    LOG.warn("Server {} with wal_level={}, {} databases ({} MB)", setting(server, "server_version"), setting(server,
                            "wal_level"), size, databaseMegabytes(server));
                    List<Round> results = new java.util.ArrayList<>();
                    for (int round = 1; round <= rounds; round++) {
                        results.add(round(server, round % 2 == 1, 42 + round, mode.trim().equals("minimal")));
                        LOG.warn("Round {} of {} (wal_level={}, {}):{}", round, rounds, mode, round % 2 == 1
                                ? "tuned, literal, steps" : "steps, literal, tuned", table(List.of(results.get(round - 1))));
                    }
                    LOG.warn("{} databases, wal_level={}, median of {} round(s); ratios against the tuned script (< 1: the "
                            + "steps are faster):{}", size, mode, rounds, table(results));
                }
            }
        } finally {
            if (kept == null) {
                try (var files = Files.walk(root)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** {@code minimal}: the temporary servers' settings; {@code replica}: PostgreSQL's defaults (a caller's server). */
    private static PostgresServer start(Path root, String mode) throws Exception {
        PostgresServer.Builder builder = PostgresServer.on(root.resolve("pg")).binaries(PostgresBinaries.resolve())
                .listen(PostgresServer.Listen.TCP_LOOPBACK);
        switch (mode) {
            case "minimal" -> {
                for (Map.Entry<String, String> setting : dev.kaapanamigrate.postgres.internal.ServerLauncher.settings(true,
                        PostgresBinaries.resolve().majorVersion()).entrySet()) {
                    builder = builder.setting(setting.getKey(), setting.getValue());
                }
            }
            case "replica" -> builder = builder.setting("wal_level", "replica");
            default -> throw new IllegalArgumentException("kaapana.benchmark.modes: minimal or replica, not " + mode);
        }
        String slow = System.getProperty("kaapana.benchmark.slowStatementsMs");
        if (slow != null) { // where the time goes: statements at least this long, in the server's log (its run folder)
            builder = builder.setting("log_min_duration_statement", slow);
        }
        if (Boolean.getBoolean("kaapana.benchmark.logConnections")) {
            builder = builder.setting("log_connections", "on");
        }
        return builder.start();
    }

    private static String setting(PostgresServer server, String name) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long databaseMegabytes(PostgresServer server) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT sum(pg_database_size(datname)) / 1048576 FROM pg_database "
                     + "WHERE datname LIKE '%\\_src'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void dropCopies(PostgresServer server) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement()) {
            for (ServiceDatabase db : ServiceDatabase.values()) {
                for (String suffix : List.of("raw", "steps", "lit", "tuned", "tunedm")) {
                    st.execute("DROP DATABASE IF EXISTS " + name(db, suffix));
                }
            }
        }
    }

    /** One round's figures, per part. */
    private record Round(Map<Part, Run> tuned, List<Long> tunedBackendAlone, Map<Part, Run> literal,
                         Map<Part, Run> apply, Map<Part, Long> checkMillis, Map<Part, Long> verifyMillis,
                         long planMillis) {

        /**
         * The tuned script's time of a part as a step pays it, commit included: the backend migration's is that of
         * the script's backend migration alone ({@link TunedScript#backendMigration}), since in the script's single
         * backend transaction its commit (the rebuilt membership table's sync or WAL flush) falls to the references.
         */
        long tunedAlone(Part p) {
            return p == Part.BACKEND ? tunedBackendAlone.get(0) : tuned.get(p).millis;
        }

        long whole(Part p) {
            return checkMillis.get(p) + apply.get(p).millis + verifyMillis.get(p);
        }
    }

    /** The tuned script, upstream's revisions and the steps, each on fresh copies of the loaded databases. */
    private static Round round(PostgresServer server, boolean tunedFirst, long seed, boolean quiet) throws Exception {
        for (String suffix : COPIES) {
            copy(server, suffix);
        }
        checkpoint(server);
        Map<Integer, UUID> uuids = expectedProjectUuids(server, seed);
        Round round = new Round(new EnumMap<>(Part.class), new java.util.ArrayList<>(), new EnumMap<>(Part.class),
                new EnumMap<>(Part.class),
                new EnumMap<>(Part.class), new EnumMap<>(Part.class), 0);
        long planMillis;
        if (tunedFirst) {
            runTuned(server, uuids, round);
            checkpoint(server);
            runLiteral(server, round.literal);
            checkpoint(server);
            planMillis = runSteps(server, seed, round, quiet);
        } else {
            planMillis = runSteps(server, seed, round, quiet);
            checkpoint(server);
            runLiteral(server, round.literal);
            checkpoint(server);
            runTuned(server, uuids, round);
        }
        for (ServiceDatabase db : ServiceDatabase.values()) {
            try (Connection lit = connect(server, name(db, "lit")); Connection tuned = connect(server, name(db, "tuned"));
                 Connection steps = connect(server, name(db, "steps"))) {
                List<String> schema = SchemaFingerprint.of(steps);
                assertThat(schema).as("the steps' schema of " + db.stableName() + " equals upstream's")
                        .isEqualTo(SchemaFingerprint.of(lit));
                assertThat(SchemaFingerprint.of(tuned)).as("the tuned script's schema of " + db.stableName())
                        .isEqualTo(schema);
                assertThat(dataDigest(tuned)).as("the tuned script's data of " + db.stableName() + " equals the steps'")
                        .isEqualTo(dataDigest(steps));
            }
        }
        dropCopies(server);
        return new Round(round.tuned, round.tunedBackendAlone, round.literal, round.apply, round.checkMillis,
                round.verifyMillis, planMillis);
    }

    /** The UUIDs the steps' plan gives the projects: the seeded id source's ids after the run id, in old-id order. */
    private static Map<Integer, UUID> expectedProjectUuids(PostgresServer server, long seed) throws SQLException {
        IdSource ids = IdSource.seeded(seed);
        ids.newId(); // the run id
        Map<Integer, UUID> uuids = new java.util.LinkedHashMap<>();
        try (Connection c = connect(server, "aii_src"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM projects ORDER BY id")) {
            while (rs.next()) {
                uuids.put(rs.getInt(1), ids.newId());
            }
        }
        return uuids;
    }

    private static void runTuned(PostgresServer server, Map<Integer, UUID> uuids, Round round) throws Exception {
        Map<Part, Run> out = round.tuned;
        try (Connection aii = connect(server, "aii_tuned"); Connection dwf = connect(server, "dwf_tuned");
             Connection backend = connect(server, "backend_tuned")) {
            out.put(Part.ACCESS_INFORMATION, measure(aii, () -> TunedScript.accessInformation(aii, uuids, 1)));
            out.put(Part.DICOM_WEB_FILTER, measure(dwf, () -> TunedScript.dicomWebFilter(dwf, uuids)));
            TunedScript.BackendTimes[] times = new TunedScript.BackendTimes[1];
            Run whole = measure(backend, () -> times[0] = TunedScript.backend(backend, uuids, 1));
            // One transaction: the WAL is the backend's as a whole, shown on its migration row.
            out.put(Part.BACKEND, new Run(times[0].migrationNanos() / 1_000_000, whole.walBytes));
            out.put(Part.REFERENCES, new Run(times[0].referencesNanos() / 1_000_000, 0));
        }
        checkpoint(server);
        try (Connection backend = connect(server, "backend_tunedm")) {
            round.tunedBackendAlone.add(TunedScript.backendMigration(backend, uuids, 1) / 1_000_000);
        }
    }

    private static void runLiteral(PostgresServer server, Map<Part, Run> out) throws Exception {
        try (Connection aii = connect(server, "aii_lit"); Connection dwf = connect(server, "dwf_lit");
             Connection backend = connect(server, "backend_lit")) {
            List<Map<Integer, UUID>> projects = new java.util.ArrayList<>();
            out.put(Part.ACCESS_INFORMATION, measure(aii, () -> projects.add(UpstreamRevisions.accessInformation(aii))));
            out.put(Part.DICOM_WEB_FILTER, measure(dwf, () -> UpstreamRevisions.dicomWebFilter(dwf, projects.get(0))));
            out.put(Part.BACKEND, measure(backend, () -> UpstreamRevisions.backend(backend, projects.get(0).get(1))));
        }
    }

    /** The four steps in one plan; returns the plan's wall time. */
    private static long runSteps(PostgresServer server, long seed, Round round, boolean quiet) {
        Map<Part, TimedStep> steps = new EnumMap<>(Part.class);
        DatabaseConnections connections = DatabaseConnections.of(Map.of(
                ServiceDatabase.ACCESS_INFORMATION, dataSource(server, "aii_steps"),
                ServiceDatabase.DICOM_WEB_FILTER, dataSource(server, "dwf_steps"),
                ServiceDatabase.BACKEND, dataSource(server, "backend_steps")));
        DatabaseMigrationOptions options = DatabaseMigrationOptions.defaults();
        steps.put(Part.ACCESS_INFORMATION, new TimedStep(new MigrateAccessInformationStep(connections, options),
                connections, ServiceDatabase.ACCESS_INFORMATION));
        steps.put(Part.DICOM_WEB_FILTER, new TimedStep(new MigrateDicomWebFilterStep(connections, options),
                connections, ServiceDatabase.DICOM_WEB_FILTER));
        steps.put(Part.BACKEND, new TimedStep(new MigrateBackendStep(connections), connections, ServiceDatabase.BACKEND));
        steps.put(Part.REFERENCES, new TimedStep(new BackendReferencesStep(connections, BackendReferencesOptions.defaults()),
                connections, ServiceDatabase.BACKEND));
        long start = System.nanoTime();
        MigrationResult result = MigrationPlan.builder()
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).inMemoryState()
                .idSource(IdSource.seeded(seed))
                .listener(new ProgressLog())
                .step(steps.get(Part.ACCESS_INFORMATION))
                .step(steps.get(Part.DICOM_WEB_FILTER), MigrateAccessInformationStep.ID)
                .step(steps.get(Part.BACKEND), MigrateAccessInformationStep.ID)
                .step(steps.get(Part.REFERENCES), MigrateBackendStep.ID).build().run();
        long planMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(result.status()).as(result.toString()).isEqualTo(PlanStatus.SUCCEEDED);
        if (quiet) {
            // No autovacuum, nothing else on this server: the backend's verify takes the untouched tables' digests
            // from its apply (the fence holds) instead of reading them again.
            assertThat(steps.get(Part.BACKEND).verification.facts()).extracting(Verification.Fact::name)
                    .anySatisfy(n -> assertThat(n).contains("the migration did not write"));
        }
        for (Part p : Part.values()) {
            TimedStep s = steps.get(p);
            round.apply.put(p, s.apply);
            round.checkMillis.put(p, s.checkMillis);
            round.verifyMillis.put(p, s.verifyMillis);
        }
        return planMillis;
    }

    /**
     * Every table's rows (their text, hashed and summed: order-independent) and every sequence's state, by name.
     */
    private static List<String> dataDigest(Connection c) throws SQLException {
        List<String> lines = new java.util.ArrayList<>();
        List<String> tables = new java.util.ArrayList<>();
        List<String> sequences = new java.util.ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT relname, relkind::text FROM pg_class "
                + "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S') ORDER BY relname")) {
            while (rs.next()) {
                (rs.getString(2).equals("r") ? tables : sequences).add(rs.getString(1));
            }
        }
        try (Statement st = c.createStatement()) {
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(hashtextextended(t::text, 0)), 0) FROM "
                        + table + " t")) {
                    rs.next();
                    lines.add(table + ": " + rs.getLong(1) + " rows, " + rs.getString(2));
                }
            }
            for (String sequence : sequences) {
                try (ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + sequence)) {
                    rs.next();
                    lines.add(sequence + ": " + rs.getLong(1) + " " + rs.getBoolean(2));
                }
            }
        }
        return lines;
    }

    private static final String ROW = "%n%-22s %9s %9s %8s %8s %8s %8s %7s %7s %10s %10s %10s";

    /** The medians over the rounds, per part; totals are the medians of the rounds' totals. */
    private static String table(List<Round> rounds) {
        StringBuilder table = new StringBuilder(String.format(ROW, "part", "tuned ms", "liter. ms", "check", "apply",
                "verify", "whole", "apply/t", "whole/t", "tuned WAL", "liter. WAL", "apply WAL"));
        for (Part p : Part.values()) {
            table.append(String.format(ROW, p.label, median(rounds, r -> r.tunedAlone(p)),
                    p == Part.REFERENCES ? "-" : median(rounds, r -> r.literal.get(p).millis),
                    median(rounds, r -> r.checkMillis.get(p)), median(rounds, r -> r.apply.get(p).millis),
                    median(rounds, r -> r.verifyMillis.get(p)), median(rounds, r -> r.whole(p)),
                    String.format("%.2f", medianRatio(rounds, r -> r.apply.get(p).millis, r -> r.tunedAlone(p))),
                    String.format("%.2f", medianRatio(rounds, r -> r.whole(p), r -> r.tunedAlone(p))),
                    p == Part.REFERENCES ? "(above)" : mb(median(rounds, r -> r.tuned.get(p).walBytes)),
                    p == Part.REFERENCES ? "-" : mb(median(rounds, r -> r.literal.get(p).walBytes)),
                    mb(median(rounds, r -> r.apply.get(p).walBytes))));
        }
        List<Part> three = List.of(Part.ACCESS_INFORMATION, Part.DICOM_WEB_FILTER, Part.BACKEND);
        for (Map.Entry<String, List<Part>> total : Map.of("three migrations", three, "all four", List.of(Part.values()))
                .entrySet().stream().sorted(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())).toList()) {
            List<Part> parts = total.getValue();
            // the three alone against the tuned backend migration alone; all four against the script's one transaction
            java.util.function.ToLongFunction<Round> tuned = parts.equals(three) ? r -> sum(parts, r::tunedAlone)
                    : r -> sum(parts, p -> r.tuned.get(p).millis);
            java.util.function.ToLongFunction<Round> whole = r -> sum(parts, r::whole);
            java.util.function.ToLongFunction<Round> apply = r -> sum(parts, p -> r.apply.get(p).millis);
            table.append(String.format(ROW, total.getKey(), median(rounds, tuned),
                    median(rounds, r -> sum(three, p -> r.literal.get(p).millis)),
                    median(rounds, r -> sum(parts, p -> r.checkMillis.get(p))), median(rounds, apply),
                    median(rounds, r -> sum(parts, p -> r.verifyMillis.get(p))), median(rounds, whole),
                    String.format("%.2f", medianRatio(rounds, apply, tuned)),
                    String.format("%.2f", medianRatio(rounds, whole, tuned)),
                    mb(median(rounds, r -> sum(parts, p -> r.tuned.get(p).walBytes))),
                    mb(median(rounds, r -> sum(three, p -> r.literal.get(p).walBytes))),
                    mb(median(rounds, r -> sum(parts, p -> r.apply.get(p).walBytes)))));
            table.append(String.format("%n%-22s best round: apply/tuned %.2f, whole/tuned %.2f", "",
                    rounds.stream().mapToDouble(r -> ratio(apply.applyAsLong(r), tuned.applyAsLong(r))).min().orElse(0),
                    rounds.stream().mapToDouble(r -> ratio(whole.applyAsLong(r), tuned.applyAsLong(r))).min().orElse(0)));
        }
        table.append(String.format("%n%-22s %d ms in its one transaction with the references (their commit), %d ms "
                + "alone, commit included", "tuned backend", median(rounds, r -> r.tuned.get(Part.BACKEND).millis),
                median(rounds, r -> r.tunedBackendAlone.get(0))));
        table.append(String.format("%n%-22s %d ms (median; the four steps with the plan's own work)", "plan run",
                median(rounds, Round::planMillis)));
        return table.toString();
    }

    private static long sum(List<Part> parts, java.util.function.ToLongFunction<Part> value) {
        return parts.stream().mapToLong(value).sum();
    }

    private static double medianRatio(List<Round> rounds, java.util.function.ToLongFunction<Round> a,
                                      java.util.function.ToLongFunction<Round> b) {
        double[] values = rounds.stream().mapToDouble(r -> ratio(a.applyAsLong(r), b.applyAsLong(r))).sorted().toArray();
        return values[values.length / 2];
    }

    private static long median(List<Round> rounds, java.util.function.ToLongFunction<Round> value) {
        long[] values = rounds.stream().mapToLong(value).sorted().toArray();
        return values[values.length / 2];
    }

    private static void load(PostgresServer server, String size) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement()) {
            for (ServiceDatabase db : ServiceDatabase.values()) {
                st.execute("CREATE DATABASE " + name(db, "src"));
            }
        }
        long start = System.nanoTime();
        try (Connection aii = connect(server, "aii_src"); Connection dwf = connect(server, "dwf_src");
             Connection backend = connect(server, "backend_src")) {
            if (size.equals("ISSUE")) {
                IssueShapeDatabases.load(aii, dwf, backend);
            } else {
                InstallationModel model = new InstallationModel(InstallationSpec.of(InstallationSize.valueOf(size)));
                InstallationGenerator.loadDatabase(model, KaapanaDatabase.ACCESS_INFORMATION, aii);
                InstallationGenerator.loadDatabase(model, KaapanaDatabase.DICOM_WEB_FILTER, dwf);
                InstallationGenerator.loadDatabase(model, KaapanaDatabase.BACKEND, backend);
            }
            for (Connection c : new Connection[]{aii, dwf, backend}) {
                try (Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE"); // as a database that has run for a while
                }
            }
        }
        LOG.warn("Loading took {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /** Copies the three loaded databases (file copy: no run pays for another's cache or WAL). */
    private static void copy(PostgresServer server, String suffix) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement()) {
            for (ServiceDatabase db : ServiceDatabase.values()) {
                st.execute("CREATE DATABASE " + name(db, suffix) + " TEMPLATE " + name(db, "src") + " STRATEGY FILE_COPY");
            }
        }
    }

    private static void checkpoint(PostgresServer server) throws SQLException {
        try (Connection c = connect(server, USER); Statement st = c.createStatement()) {
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
        private Verification verification;

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
                verification = step.verify(ctx);
                return verification;
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
