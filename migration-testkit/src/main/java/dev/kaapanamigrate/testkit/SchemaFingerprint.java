package dev.kaapanamigrate.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema of a PostgreSQL database's {@code public} schema as comparable text lines read from the
 * catalogue: every column in order (type, nullability, default, identity), every constraint and index by
 * name with its definition, every sequence with its settings and owning column. Two databases with equal
 * fingerprints have the same schema, constraint and index names included; column order is compared by
 * position among live columns, so dropped columns leave no trace (as in a dump).
 *
 * <pre>{@code
 * assertThat(SchemaFingerprint.of(migrated)).isEqualTo(SchemaFingerprint.of(expected));
 * }</pre>
 */
public final class SchemaFingerprint {

    private SchemaFingerprint() {
    }

    /**
     * Reads the fingerprint.
     *
     * @param c a connection to the database
     * @return the lines, sorted
     * @throws SQLException on failure
     */
    public static List<String> of(Connection c) throws SQLException {
        List<String> lines = new ArrayList<>();
        query(c, lines, "SELECT 'column ' || table_name || ' #' || row_number() OVER (PARTITION BY table_name ORDER BY "
                + "ordinal_position) || ' ' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length "
                + "|| ')', '') || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END || coalesce(' default ' "
                + "|| column_default, '') || CASE WHEN is_identity = 'YES' THEN ' identity ' || identity_generation "
                + "|| ' cycle=' || identity_cycle ELSE '' END FROM information_schema.columns WHERE table_schema = 'public'");
        query(c, lines, "SELECT 'table ' || c.relname || ' ' || c.relkind::text FROM pg_class c WHERE c.relnamespace = "
                + "'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')");
        query(c, lines, "SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || "
                + "pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace");
        query(c, lines, "SELECT 'index ' || tablename || ' ' || indexname || ' ' || indexdef FROM pg_indexes "
                + "WHERE schemaname = 'public'");
        query(c, lines, "SELECT 'sequence ' || sequencename || ' ' || data_type || ' start ' || start_value || ' by ' "
                + "|| increment_by || ' min ' || min_value || ' max ' || max_value || ' cache ' || cache_size || ' cycle ' "
                + "|| cycle FROM pg_sequences WHERE schemaname = 'public'");
        query(c, lines, "SELECT 'sequence-owner ' || s.relname || ' ' || t.relname || '.' || a.attname || ' ' || d.deptype::text "
                + "FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
                + "AND d.deptype IN ('a', 'i') JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a "
                + "ON a.attrelid = t.oid AND a.attnum = d.refobjsubid WHERE s.relkind = 'S' AND s.relnamespace = "
                + "'public'::regnamespace");
        lines.sort(null);
        return lines;
    }

    private static void query(Connection c, List<String> lines, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
    }
}
