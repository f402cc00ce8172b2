package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/** Test helpers for the database steps: connections to a simulated platform, a project list, digests. */
final class BackendDatabases {

    private BackendDatabases() {
    }

    /** The three service databases of a running simulated platform. */
    static DatabaseConnections connections(SimulatedPlatform platform) {
        return DatabaseConnections.of(Map.of(
                ServiceDatabase.ACCESS_INFORMATION, platform.dataSource(KaapanaDatabase.ACCESS_INFORMATION),
                ServiceDatabase.DICOM_WEB_FILTER, platform.dataSource(KaapanaDatabase.DICOM_WEB_FILTER),
                ServiceDatabase.BACKEND, platform.dataSource(KaapanaDatabase.BACKEND)));
    }

    /**
     * A copy of the database under another name on the same server ({@code CREATE DATABASE … TEMPLATE}), as the same
     * user; nothing may be connected to the original meanwhile.
     */
    static DataSource copyOf(DataSource original, String name) throws Exception {
        execute(original, "CREATE DATABASE " + name + " TEMPLATE " + string(original, "SELECT current_database()"));
        org.postgresql.ds.PGSimpleDataSource copy = new org.postgresql.ds.PGSimpleDataSource();
        copy.initializeFrom((org.postgresql.ds.PGSimpleDataSource) original);
        copy.setDatabaseName(name);
        return copy;
    }

    /** The UUID these tests give a project: seeded, so expectations can name it. */
    static UUID uuidOf(int oldId) {
        return UUID.nameUUIDFromBytes(("project-" + oldId).getBytes(StandardCharsets.UTF_8));
    }

    /** What the access-information migration would put into the context, from the 0.4 projects table. */
    static ProjectList projectList(DataSource aii) throws SQLException {
        List<Project> projects = new ArrayList<>();
        try (Connection c = aii.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, s3_bucket, opensearch_index, kubernetes_namespace "
                     + "FROM projects ORDER BY id")) {
            while (rs.next()) {
                projects.add(new Project(rs.getInt(1), uuidOf(rs.getInt(1)), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)));
            }
        }
        return new ProjectList(projects, 1);
    }

    /** An order-independent digest of every row of the tables (their text form). */
    static String digest(DataSource ds, String... tables) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' "
                        + "ORDER BY t::text)), '') FROM " + table + " t")) {
                    rs.next();
                    all.append(table).append('=').append(rs.getString(1)).append(';');
                }
            }
        }
        return all.toString();
    }

    /** The transaction ids that last wrote each row: unchanged when no row was touched. */
    static String rowVersions(DataSource ds, String table) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT md5(string_agg(ctid::text || xmin::text, ',' ORDER BY ctid)) FROM "
                     + table)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** One value of a query with parameters. */
    static String string(DataSource ds, String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Runs a statement. */
    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
