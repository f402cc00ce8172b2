package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.kaapana.ConsistencyOptions;
import dev.kaapanamigrate.kaapana.ConsistencyReport;
import dev.kaapanamigrate.kaapana.ConsistencyReport.Kind;
import dev.kaapanamigrate.kaapana.ConsistencySnapshot;
import dev.kaapanamigrate.kaapana.KaapanaErrorCode;
import dev.kaapanamigrate.postgres.DatabaseConnections;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the database side of the consistency check from the three 0.5.2 databases, streaming: the projects
 * (access-information), the series mapped per project and every mapped series (dicom-web-filter), the distinct series of
 * each project's datasets, datasets and workflows per project, and what the databases show on their own
 * (kaapana-backend). Each database is read in one read-only repeatable-read transaction, rows fetched in batches; the
 * series lists are sorted by the server ({@code COLLATE "C"}) and written through {@link IdFile#sorted}, which checks
 * (and, should the server's order differ from the files' order, fixes) the order in flat memory.
 */
public final class DatabaseSide {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSide.class);
    private static final int FETCH = 10_000;

    private DatabaseSide() {
    }

    /** A project as the access-information database holds it. */
    private record Row(String id, String name, String bucket, String index, boolean admin) {
    }

    /**
     * Reads the three databases into {@code dir}.
     *
     * @param connections the connections
     * @param ctx         the context (connections are asked through it; progress goes there)
     * @param dir         where the files go (created)
     * @param options     the options
     * @return the snapshot
     */
    public static ConsistencySnapshot read(DatabaseConnections connections, MigrationContext ctx, Path dir,
                                           ConsistencyOptions options) {
        ServiceDatabase current = ServiceDatabase.ACCESS_INFORMATION;
        try {
            Files.createDirectories(dir);
            int limit = options.firstDifferences();
            List<Row> projects = inTransaction(connections.dataSource(current, ctx), DatabaseSide::projects);
            ctx.progress(1, 3, "databases read", current.stableName() + " (" + projects.size() + " projects)");
            CrashPoints.reach("kaapana.database-snapshot:read", current.stableName());
            Map<String, Row> byId = new LinkedHashMap<>();
            projects.forEach(p -> byId.put(p.id(), p));
            List<ConsistencyReport.Finding> findings = new ArrayList<>();

            current = ServiceDatabase.DICOM_WEB_FILTER;
            Map<String, Long> mapped = new HashMap<>();
            long[] all = {0};
            inTransaction(connections.dataSource(current, ctx), c -> {
                Sample unknown = new Sample(limit);
                perProject(c, "SELECT project_id::text, series_instance_uid COLLATE \"C\" FROM data_projects "
                        + "WHERE series_instance_uid IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2", byId, "series-", dir,
                        options, mapped, unknown);
                add(findings, Kind.MAPPING_UNKNOWN_PROJECT, null, unknown);
                try (RecordFile.SortingWriter<String> w = IdFile.sorted(dir.resolve("series-all.ids"),
                        options.sortBudgetBytes());
                     PreparedStatement st = streaming(c, "SELECT series_instance_uid COLLATE \"C\" FROM data_projects "
                             + "WHERE series_instance_uid IS NOT NULL GROUP BY 1 ORDER BY 1");
                     ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        w.add(rs.getString(1));
                    }
                    all[0] = w.finish();
                }
                return null;
            });
            ctx.progress(2, 3, "databases read", current.stableName() + " (" + all[0] + " series)");
            CrashPoints.reach("kaapana.database-snapshot:read", current.stableName());

            current = ServiceDatabase.BACKEND;
            Map<String, Long> members = new HashMap<>();
            Map<String, Long> datasets = new HashMap<>();
            Map<String, Long> workflows = new HashMap<>();
            inTransaction(connections.dataSource(current, ctx), c -> {
                perProject(c, "SELECT d.project_id::text, i.identifier COLLATE \"C\" FROM identifier2dataset i "
                        + "JOIN dataset d ON d.id = i.dataset GROUP BY 1, 2 ORDER BY 1, 2", byId, "members-", dir,
                        options, members, null);
                Sample noIdentifier = new Sample(limit);
                try (PreparedStatement st = streaming(c, "SELECT i.identifier, d.name FROM identifier2dataset i "
                        + "LEFT JOIN identifiers x ON x.id = i.identifier LEFT JOIN dataset d ON d.id = i.dataset "
                        + "WHERE x.id IS NULL ORDER BY i.identifier COLLATE \"C\", d.name COLLATE \"C\"");
                     ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        noIdentifier.add(rs.getString(1), rs.getString(1) + " (dataset " + rs.getString(2) + ")");
                    }
                }
                add(findings, Kind.MEMBER_WITHOUT_IDENTIFIER, null, noIdentifier);
                Array ids = c.createArrayOf("uuid", byId.keySet().toArray());
                counts(c, "SELECT project_id::text, count(*) FROM dataset GROUP BY 1", datasets);
                counts(c, "SELECT project_id::text, count(*) FROM workflow GROUP BY 1", workflows);
                add(findings, Kind.DATASET_UNKNOWN_PROJECT, null, unknownProject(c, "SELECT name, project_id::text FROM "
                        + "dataset WHERE project_id <> ALL (?) ORDER BY name COLLATE \"C\"", ids, limit, "dataset "));
                add(findings, Kind.WORKFLOW_UNKNOWN_PROJECT, null, unknownProject(c, "SELECT workflow_name || ' ('"
                        + " || workflow_id || ')', project_id::text FROM workflow WHERE project_id <> ALL (?) "
                        + "ORDER BY workflow_id COLLATE \"C\"", ids, limit, "workflow "));
                return null;
            });
            ctx.progress(3, 3, "databases read", current.stableName());

            List<ConsistencySnapshot.Project> out = new ArrayList<>();
            for (Row p : projects) {
                out.add(new ConsistencySnapshot.Project(p.id(), p.name(), p.bucket(), p.index(), p.admin(),
                        "series-" + p.id() + ".ids", mapped.getOrDefault(p.id(), 0L), "members-" + p.id() + ".ids",
                        members.getOrDefault(p.id(), 0L), datasets.getOrDefault(p.id(), 0L),
                        workflows.getOrDefault(p.id(), 0L)));
            }
            LOG.info("Read the database side of the consistency check: {} projects, {} mapped series, {} findings", out.size(),
                    all[0], findings.size());
            return new ConsistencySnapshot(ctx.clock().instant(), ctx.runId().toString(), dir.toAbsolutePath().toString(),
                    out, "series-all.ids", all[0], findings);
        } catch (SQLException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.CONSISTENCY_DATABASE, "reading the " + current.stableName()
                    + " database for the consistency check failed: " + e.getMessage(), "the " + current.stableName()
                    + " database at its 0.5.2 schema (migrated by the database steps)", "run the check after the database "
                    + "migrations (postgres.migrate-*); if they ran, read the cause"), e);
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.CONSISTENCY_DATABASE, "writing the series lists into "
                    + dir + " failed: " + e.getMessage(), "a writable folder with free space (about 20 bytes per series)",
                    "free space there, then run again"), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    private static <T> T inTransaction(DataSource ds, Work<T> work) throws SQLException, IOException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return work.run(c);
            } finally {
                c.rollback();
            }
        }
    }

    private static PreparedStatement streaming(Connection c, String sql) throws SQLException {
        PreparedStatement st = c.prepareStatement(sql);
        st.setFetchSize(FETCH);
        return st;
    }

    private static List<Row> projects(Connection c) throws SQLException {
        String admin = null;
        try (PreparedStatement st = c.prepareStatement("SELECT project_id::text FROM admin_project ORDER BY id LIMIT 1");
             ResultSet rs = st.executeQuery()) {
            if (rs.next()) {
                admin = rs.getString(1);
            }
        }
        List<Row> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT id::text, name, s3_bucket, opensearch_index FROM projects "
                + "ORDER BY int_id NULLS LAST, name COLLATE \"C\"");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString(1);
                String name = rs.getString(2);
                boolean isAdmin = admin != null ? id.equals(admin) : KaapanaNames.ADMIN_PROJECT.equals(name);
                out.add(new Row(id, name, rs.getString(3) != null ? rs.getString(3) : KaapanaNames.bucketOf(name),
                        rs.getString(4) != null ? rs.getString(4) : KaapanaNames.indexOf(name), isAdmin));
            }
        }
        out.sort((a, b) -> Boolean.compare(b.admin(), a.admin()));
        return out;
    }

    /**
     * Streams (project id, identifier) rows ordered by project into one sorted file per known project (every known
     * project gets one, empty when it has no rows); rows of unknown projects go to {@code unknown} when given.
     */
    private static void perProject(Connection c, String sql, Map<String, Row> projects, String prefix, Path dir,
                                   ConsistencyOptions options, Map<String, Long> counts, Sample unknown)
            throws SQLException, IOException {
        Map<String, Boolean> written = new HashMap<>();
        try (PreparedStatement st = streaming(c, sql); ResultSet rs = st.executeQuery()) {
            String project = null;
            RecordFile.SortingWriter<String> w = null;
            try {
                while (rs.next()) {
                    String p = rs.getString(1);
                    String id = rs.getString(2);
                    if (!p.equals(project)) {
                        if (w != null) {
                            counts.put(project, w.finish());
                        }
                        project = p;
                        w = projects.containsKey(p) ? IdFile.sorted(dir.resolve(prefix + p + ".ids"),
                                options.sortBudgetBytes()) : null;
                        if (w != null) {
                            written.put(p, true);
                        }
                    }
                    if (w != null) {
                        w.add(id);
                    } else if (unknown != null) {
                        unknown.add(id, id + " -> project " + p);
                    }
                }
                if (w != null) {
                    counts.put(project, w.finish());
                }
            } finally {
                if (w != null) {
                    w.close(); // removes an unfinished file
                }
            }
        }
        for (String p : projects.keySet()) {
            if (!written.containsKey(p)) {
                counts.put(p, IdFile.writer(dir.resolve(prefix + p + ".ids")).finish());
            }
        }
    }

    private static void counts(Connection c, String sql, Map<String, Long> into) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                into.put(rs.getString(1), rs.getLong(2));
            }
        }
    }

    private static Sample unknownProject(Connection c, String sql, Array ids, int limit, String what)
            throws SQLException, IOException {
        Sample s = new Sample(limit);
        try (PreparedStatement st = streaming(c, sql)) {
            st.setArray(1, ids);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    s.add(rs.getString(1), what + rs.getString(1) + " -> project " + rs.getString(2));
                }
            }
        }
        return s;
    }

    private static void add(List<ConsistencyReport.Finding> findings, Kind kind, String project, Sample s) {
        if (s.count() > 0) {
            findings.add(new ConsistencyReport.Finding(kind, project, s.count(), s.first()));
        }
    }
}
