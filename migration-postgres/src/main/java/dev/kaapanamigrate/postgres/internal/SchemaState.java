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
 */
public record SchemaState(Kind kind, String revision, String description, List<String> differences) {

    /** The judgement. */
    public enum Kind {
        /** 0.4.2 tables (without revision, with the 0.4 backend's random one, or with upstream's initial one): migrate. */
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
        } else if (revision.equals(initialRevision)) {
            claim = "initial revision " + initialRevision + " recorded by a 0.5 service that did not finish its upgrade";
        } else if (randomRevisionIs04 && HEX12.matcher(revision).matches()) {
            claim = "revision " + revision + " (the 0.4 backend's boot-time autogenerate)";
        } else {
            return new SchemaState(Kind.BLOCKED, revision, "alembic_version holds " + (revision.isEmpty() ? "no row"
                    : "the unknown revision '" + revision + "'"), List.of());
        }
        List<String> diff04 = actual.without(Catalogue.ALEMBIC_TABLE).differencesFrom(Catalogue.expected("0.4.2", database));
        if (diff04.isEmpty()) {
            return new SchemaState(Kind.MIGRATE, revision, claim + ", tables of 0.4.2", List.of());
        }
        return new SchemaState(Kind.BLOCKED, revision, claim + ", but the tables differ from 0.4.2 (" + diff04.size()
                + " difference(s))", diff04);
    }
}
