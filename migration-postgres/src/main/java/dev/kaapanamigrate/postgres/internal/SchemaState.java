package dev.kaapanamigrate.postgres.internal;

import java.util.List;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Where one of the three databases stands (reference §4, §8): the revision its {@code alembic_version} claims
 * and whether its tables have the 0.4.2 or the 0.5.2 shape.
 *
 * @param kind        the judgement
 * @param revision    what {@code alembic_version} holds: {@code null} without the table, {@code ""} when empty,
 *                    several revisions joined by {@code ,}
 * @param description the state in words, for check details and change entries
 * @param differences the catalogue differences that explain a {@link Kind#BLOCKED} state (vs 0.4.2, or vs 0.5.2
 *                    when the head revision is recorded); empty otherwise
 * @param fix         for a {@link Kind#BLOCKED} state whose tables are exactly 0.4.2's or 0.5.2's but whose
 *                    {@code alembic_version} holds an unknown revision: the statements that make it migratable (the
 *                    revision to write, or the table to drop where 0.4 had none); {@code null} otherwise
 */
public record SchemaState(Kind kind, String revision, String description, List<String> differences, String fix) {

    /**
     * A state without a specific fix.
     *
     * @param kind        the judgement
     * @param revision    what {@code alembic_version} holds
     * @param description the state in words
     * @param differences the catalogue differences
     */
    public SchemaState(Kind kind, String revision, String description, List<String> differences) {
        this(kind, revision, description, differences, null);
    }

    /** The judgement. */
    public enum Kind {
        /**
         * 0.4.2 tables (without revision: no {@code alembic_version} or one holding no row; with the 0.4 backend's
         * random one; or with upstream's initial one): migrate.
         */
        MIGRATE,
        /** The head revision and exactly the 0.5.2 tables: nothing to do. */
        UP_TO_DATE,
        /** Anything else: unknown revision, or tables of neither shape. */
        BLOCKED
    }

    private static final Pattern HEX12 = Pattern.compile("[0-9a-f]{12}");

    /**
     * Reads and judges a database.
     *
     * @param h                  the handle, inside a transaction
     * @param database           {@code aii}, {@code dwf} or {@code backend} (resource names)
     * @param initialRevision    the revision upstream records before upgrading a 0.4 database
     * @param head               the 0.5.2 head revision
     * @param randomRevisionIs04 whether any 12-hex revision means a 0.4 database (the backend's boot-time
     *                           autogenerate writes a random one)
     * @return the state
     */
    public static SchemaState inspect(Handle h, String database, String initialRevision, String head,
                                      boolean randomRevisionIs04) {
        Catalogue actual = Catalogue.read(h);
        String revision = null;
        if (actual.hasTable(Catalogue.ALEMBIC_TABLE)) {
            revision = String.join(",", h.createQuery("SELECT version_num FROM alembic_version ORDER BY 1")
                    .mapTo(String.class).list());
        }
        if (head.equals(revision)) {
            List<String> diff05 = actual.differencesFrom(Catalogue.expected("0.5.2", database));
            return diff05.isEmpty()
                    ? new SchemaState(Kind.UP_TO_DATE, revision, "at revision " + head + " with the 0.5.2 schema", List.of())
                    : new SchemaState(Kind.BLOCKED, revision, "at revision " + head + " but the tables differ from 0.5.2 ("
                    + diff05.size() + " difference(s))", diff05);
        }
        String claim;
        if (revision == null) {
            claim = "no alembic_version table (0.4)";
        } else if (revision.isEmpty()) {
            // Upstream 0.5.2 reads no revision from it, stamps its initial revision and upgrades: like a missing table.
            claim = "an alembic_version table holding no row (no revision recorded: migrated like a database without "
                    + "the table, as upstream 0.5.2 does)";
        } else if (revision.equals(initialRevision)) {
            claim = "initial revision " + initialRevision + " recorded by a 0.5 service that did not finish its upgrade";
        } else if (randomRevisionIs04 && HEX12.matcher(revision).matches()) {
            claim = "revision " + revision + " (the 0.4 backend's boot-time autogenerate)";
        } else {
            return unknownRevision(h, actual, database, revision, initialRevision, head, randomRevisionIs04);
        }
        List<String> diff04 = actual.without(Catalogue.ALEMBIC_TABLE).differencesFrom(Catalogue.expected("0.4.2", database));
        if (diff04.isEmpty()) {
            return new SchemaState(Kind.MIGRATE, revision, claim + ", tables of 0.4.2", List.of());
        }
        return new SchemaState(Kind.BLOCKED, revision, claim + ", but the tables differ from 0.4.2 (" + diff04.size()
                + " difference(s))", diff04);
    }

    private static SchemaState unknownRevision(Handle h, Catalogue actual, String database, String revision,
                                               String initialRevision, String head, boolean randomRevisionIs04) {
        String description = "the unknown revision '" + revision + "' in alembic_version";
        String write = "DELETE FROM alembic_version; INSERT INTO alembic_version (version_num) VALUES ('%s');";
        if (actual.without(Catalogue.ALEMBIC_TABLE).differencesFrom(Catalogue.expected("0.4.2", database)).isEmpty()) {
            String fix = randomRevisionIs04
                    ? "its tables are exactly 0.4.2's: write the revision upstream records for a 0.4 database ("
                    + String.format(write, initialRevision) + "), then run again"
                    : "its tables are exactly 0.4.2's, and 0.4 had no alembic_version in this database: drop the table "
                    + "(DROP TABLE alembic_version;), then run again";
            return new SchemaState(Kind.BLOCKED, revision, description + " (the tables are 0.4.2's)", List.of(), fix);
        }
        if (actual.differencesFrom(Catalogue.expected("0.5.2", database)).isEmpty()) {
            return new SchemaState(Kind.BLOCKED, revision, description + " (the tables are 0.5.2's)", List.of(),
                    "its tables are exactly 0.5.2's: write the 0.5.2 head revision (" + String.format(write, head)
                    + "), then run again");
        }
        return new SchemaState(Kind.BLOCKED, revision, description + " (the tables are neither 0.4.2's nor 0.5.2's)",
                List.of(), null);
    }
}
