package dev.kaapanamigrate.postgres.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The schema of a database's {@code public} schema as sorted text lines read from the catalogue: every column
 * with its position among live columns, type, nullability, default and identity; every table, constraint and
 * index by name with its definition; every sequence with its settings and owning column. The expected 0.4.2
 * and 0.5.2 descriptions of the three databases ship as resources in the same format
 * ({@code dev/kaapanamigrate/postgres/schemas/<version>-<db>.txt}).
 *
 * @param lines the sorted lines
 */
public record Catalogue(List<String> lines) {

    /** The alembic bookkeeping table, judged on its own (its row says which revision the tables claim). */
    public static final String ALEMBIC_TABLE = "alembic_version";

    /**
     * Copies the lines.
     *
     * @param lines the lines
     */
    public Catalogue {
        lines = lines.stream().sorted().toList();
    }

    /**
     * Reads the catalogue of a database.
     *
     * @param h the handle, inside a transaction
     * @return the catalogue
     */
    public static Catalogue read(Handle h) {
        // Straight from pg_catalog in one statement: information_schema and the pg_indexes/pg_sequences views cost
        // hundreds of milliseconds on a fresh connection, and every check, apply and verify reads the catalogue.
        return new Catalogue(h.createQuery("WITH rel AS (SELECT oid, relname, relkind FROM pg_class "
                + "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm')) "
                + "SELECT 'column ' || r.relname || ' #' || row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum) || ' ' "
                + "|| a.attname || ' ' || format_type(a.atttypid, a.atttypmod) "
                + "|| CASE WHEN a.attnotnull THEN ' not null' ELSE '' END "
                + "|| coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') "
                + "|| CASE a.attidentity WHEN 'd' THEN ' identity BY DEFAULT' WHEN 'a' THEN ' identity ALWAYS' ELSE '' END "
                + "FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped "
                + "LEFT JOIN pg_attrdef d ON d.adrelid = r.oid AND d.adnum = a.attnum "
                + "UNION ALL SELECT 'table ' || relname || ' ' || relkind::text FROM rel "
                + "UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' "
                + "|| pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                + "UNION ALL SELECT 'index ' || r.relname || ' ' || i.relname || ' ' || pg_get_indexdef(i.oid) "
                + "FROM pg_index x JOIN rel r ON r.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid "
                + "UNION ALL SELECT 'sequence ' || c.relname || ' ' || format_type(s.seqtypid, NULL) || ' start ' "
                + "|| s.seqstart || ' by ' || s.seqincrement || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' "
                + "|| s.seqcache || ' cycle ' || s.seqcycle FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid "
                + "WHERE c.relnamespace = 'public'::regnamespace "
                + "UNION ALL SELECT 'sequence-owner ' || s.relname || ' ' || t.relname || '.' || a.attname || ' ' "
                + "|| d.deptype::text FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.classid = "
                + "'pg_class'::regclass AND d.deptype IN ('a', 'i') JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a "
                + "ON a.attrelid = t.oid AND a.attnum = d.refobjsubid WHERE s.relkind = 'S' AND s.relnamespace = "
                + "'public'::regnamespace").mapTo(String.class).list());
    }

    /**
     * The shipped description of a schema version.
     *
     * @param version  {@code 0.4.2} or {@code 0.5.2}
     * @param database {@code aii}, {@code dwf} or {@code backend}
     * @return the catalogue
     */
    public static Catalogue expected(String version, String database) {
        String name = "/dev/kaapanamigrate/postgres/schemas/" + version + "-" + database + ".txt";
        try (InputStream in = Catalogue.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the library");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses the resource format: one line per entry, blank lines and {@code #} comments ignored.
     *
     * @param text the text
     * @return the catalogue
     */
    public static Catalogue parse(String text) {
        return new Catalogue(text.lines().filter(l -> !l.isBlank() && !l.startsWith("# ")).toList());
    }

    /**
     * The resource format of this catalogue.
     *
     * @param header a comment line saying where it came from
     * @return the text
     */
    public String format(String header) {
        return "# " + header + "\n" + String.join("\n", lines) + "\n";
    }

    /**
     * This catalogue without the lines of one table (its columns, constraints and indexes).
     *
     * @param table the table
     * @return the rest
     */
    public Catalogue without(String table) {
        return new Catalogue(lines.stream().filter(l -> !table.equals(tableOf(l))).toList());
    }

    /**
     * Only the lines of some tables and sequences (their columns, constraints, indexes, ownership).
     *
     * @param relations the table and sequence names
     * @return those lines
     */
    public Catalogue only(java.util.Set<String> relations) {
        return new Catalogue(lines.stream().filter(l -> relations.contains(tableOf(l))).toList());
    }

    /**
     * Whether the catalogue has a table.
     *
     * @param table the table
     * @return whether a {@code table} line names it
     */
    public boolean hasTable(String table) {
        return lines.stream().anyMatch(l -> l.startsWith("table " + table + " "));
    }

    /**
     * The differences from an expected catalogue: lines it has that this one lacks ({@code missing}) and
     * lines this one has that it does not ({@code unexpected}).
     *
     * @param expected the expected catalogue
     * @return the differences, empty when equal
     */
    public List<String> differencesFrom(Catalogue expected) {
        Set<String> mine = new LinkedHashSet<>(lines);
        Set<String> theirs = new LinkedHashSet<>(expected.lines);
        List<String> out = new ArrayList<>();
        expected.lines.stream().filter(l -> !mine.contains(l)).forEach(l -> out.add("missing " + l));
        lines.stream().filter(l -> !theirs.contains(l)).forEach(l -> out.add("unexpected " + l));
        return out;
    }

    /**
     * Differences as one line for messages, at most {@code limit} of them.
     *
     * @param differences the differences
     * @param limit       how many to show
     * @return the text
     */
    public static String describe(List<String> differences, int limit) {
        if (differences.isEmpty()) {
            return "none";
        }
        String shown = String.join("; ", differences.subList(0, Math.min(limit, differences.size())));
        return differences.size() <= limit ? shown : shown + "; and " + (differences.size() - limit) + " more";
    }

    private static String tableOf(String line) {
        String[] parts = line.split(" ", 3);
        return parts.length < 2 ? "" : parts[1];
    }
}
