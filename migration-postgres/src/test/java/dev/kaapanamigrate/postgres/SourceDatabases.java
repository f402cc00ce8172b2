package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.Manifest;
import dev.kaapanamigrate.testkit.SchemaFingerprint;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import dev.kaapanamigrate.testkit.internal.Digest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Copies of a generated installation's 0.4.2 databases for one test each ({@code CREATE DATABASE … TEMPLATE}), so a
 * test class generates once and every test starts from the same 0.4.2 data; reference databases built from the
 * 0.5.2 DDL; digests and fingerprints.
 */
final class SourceDatabases {

    static final List<ServiceDatabase> ALL = List.of(ServiceDatabase.ACCESS_INFORMATION, ServiceDatabase.DICOM_WEB_FILTER,
            ServiceDatabase.BACKEND);

    private final SimulatedPlatform platform;
    private final Set<String> references = new HashSet<>();

    SourceDatabases(SimulatedPlatform platform) {
        this.platform = platform;
    }

    static KaapanaDatabase kaapana(ServiceDatabase db) {
        return KaapanaDatabase.valueOf(db.name());
    }

    static String resource(ServiceDatabase db) {
        return switch (db) {
            case ACCESS_INFORMATION -> "aii";
            case DICOM_WEB_FILTER -> "dwf";
            case BACKEND -> "backend";
        };
    }

    /** A data source of another database on the same server as the platform's database. */
    DataSource dataSource(ServiceDatabase db, String database) {
        PGSimpleDataSource original = (PGSimpleDataSource) platform.dataSource(kaapana(db));
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(original.getServerNames());
        ds.setPortNumbers(original.getPortNumbers());
        ds.setUser(original.getUser());
        ds.setPassword(original.getPassword());
        ds.setDatabaseName(database);
        return ds;
    }

    /** Fresh copies of the three 0.4.2 databases, named {@code <name>}. */
    Map<ServiceDatabase, DataSource> copy(String name) throws SQLException {
        Map<ServiceDatabase, DataSource> out = new EnumMap<>(ServiceDatabase.class);
        for (ServiceDatabase db : ALL) {
            try (Connection c = dataSource(db, "postgres").getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name + " TEMPLATE " + db.database());
            }
            out.put(db, dataSource(db, name));
        }
        return out;
    }

    /** A database built from the reference 0.5.2 DDL on the same server. */
    DataSource reference052(ServiceDatabase db) throws Exception {
        String name = "reference_052";
        if (references.add(db.name())) {
            try (Connection c = dataSource(db, "postgres").getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
            try (Connection c = dataSource(db, name).getConnection(); Statement st = c.createStatement();
                 InputStream ddl = SourceDatabases.class.getResourceAsStream("/schemas/0.5.2-" + resource(db) + ".sql")) {
                st.execute(new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return dataSource(db, name);
    }

    static List<String> fingerprint(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return SchemaFingerprint.of(c);
        }
    }

    /** Digests of every table, as the testkit's manifest takes them. */
    static Map<String, Manifest.Content> tableDigests(DataSource ds) throws SQLException {
        Map<String, Manifest.Content> out = new java.util.TreeMap<>();
        try (Connection c = ds.getConnection()) {
            List<String> tables = strings(c, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
            for (String t : tables) {
                out.put(t, Digest.ofTable(c, t));
            }
        }
        return out;
    }

    /** The testkit's digest of the rows a query returns (comparable with the manifest's digest of a table). */
    static Manifest.Content digest(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL TimeZone = 'UTC'");
                st.execute("SET LOCAL DateStyle = 'ISO, YMD'");
                st.execute("SET LOCAL IntervalStyle = 'postgres'");
                st.execute("SET LOCAL extra_float_digits = 3");
                Digest digest = new Digest();
                try (ResultSet rs = st.executeQuery(sql)) {
                    int columns = rs.getMetaData().getColumnCount();
                    String[] row = new String[columns];
                    while (rs.next()) {
                        for (int i = 0; i < columns; i++) {
                            row[i] = rs.getString(i + 1);
                        }
                        digest.add(Arrays.asList(row));
                    }
                }
                return digest.content();
            } finally {
                c.rollback();
            }
        }
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static List<String> strings(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return strings(c, sql);
        }
    }

    static String string(DataSource ds, String sql) throws SQLException {
        List<String> all = strings(ds, sql);
        return all.isEmpty() ? null : all.get(0);
    }

    static void execute(DataSource ds, String... statements) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }
}
