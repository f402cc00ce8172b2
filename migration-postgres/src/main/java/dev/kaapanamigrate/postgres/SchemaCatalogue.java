package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.postgres.internal.Catalogue;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Handles;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The schema of a Kaapana service database as the migration compares it: the {@code public} schema's catalogue as sorted
 * text lines (every column with its position, type, nullability, default and identity; every table, constraint and
 * index by name with its definition; every sequence with its settings and owner) and the {@code alembic_version} row.
 * The library ships the released 0.4.2 and 0.5.2 catalogues of the three databases ({@link #released}); the migration
 * steps prove their result against the same descriptions. A value to compare with, for tests and tools:
 *
 * <pre>{@code
 * SchemaCatalogue expected = SchemaCatalogue.released(ServiceDatabase.BACKEND, "0.5.2");
 * try (Connection c = backend.getConnection()) {
 *     List<String> differences = SchemaCatalogue.read(c).differencesFrom(expected);   // empty when equal
 * }
 * }</pre>
 *
 * @param lines    the catalogue lines, sorted
 * @param revision the {@code alembic_version} row, or {@code null} when the table is absent or empty (0.4's
 *                 access-information and dicom-web-filter databases have none)
 */
public record SchemaCatalogue(List<String> lines, String revision) {

    /** The versions whose catalogues ship with the library. */
    public static final List<String> RELEASES = List.of("0.4.2", "0.5.2");

    /**
     * Sorts and copies the lines.
     *
     * @param lines    the lines
     * @param revision the alembic revision, or {@code null}
     */
    public SchemaCatalogue {
        lines = new Catalogue(Objects.requireNonNull(lines, "lines")).lines();
    }

    /**
     * The released schema of a database, as the library ships it.
     *
     * @param database the database
     * @param version  {@code 0.4.2} or {@code 0.5.2} ({@link #RELEASES})
     * @return the catalogue; its revision is the 0.5.2 alembic head for 0.5.2, and {@code null} for 0.4.2 (whose
     *         backend revision is random and whose other databases have no {@code alembic_version})
     * @throws IllegalArgumentException for another version
     */
    public static SchemaCatalogue released(ServiceDatabase database, String version) {
        Objects.requireNonNull(database, "database");
        if (!RELEASES.contains(version)) {
            throw new IllegalArgumentException("no released catalogue of " + version + " ships with the library; "
                    + "expected one of " + RELEASES);
        }
        Catalogue c = Catalogue.expected(version, resource(database));
        return new SchemaCatalogue(c.lines(), version.equals("0.5.2") ? database.targetRevision() : null);
    }

    /**
     * Reads the catalogue of a database and its {@code alembic_version} row.
     *
     * @param connection a connection to the database
     * @return the catalogue
     * @throws SQLException when reading fails
     */
    public static SchemaCatalogue read(Connection connection) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        // A handle on the caller's connection that leaves it open and its transaction as it was.
        Jdbi jdbi = Jdbi.create(new ConnectionFactory() {
            @Override
            public Connection openConnection() {
                return connection;
            }

            @Override
            public void closeConnection(Connection toClose) {
                // the caller's connection: the caller closes it
            }
        });
        jdbi.getConfig(Handles.class).setForceEndTransactions(false);
        Catalogue c;
        try (Handle h = jdbi.open()) {
            c = Catalogue.read(h);
        } catch (JdbiException e) {
            throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getMessage(), e);
        }
        String revision = null;
        if (c.hasTable(Catalogue.ALEMBIC_TABLE)) {
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version_num FROM " + Catalogue.ALEMBIC_TABLE)) {
                revision = rs.next() ? rs.getString(1) : null;
            }
        }
        // alembic_version's own lines are judged through the revision; the shipped 0.5.2 catalogue holds them too.
        return new SchemaCatalogue(c.lines(), revision);
    }

    /**
     * The differences from an expected catalogue: {@code missing <line>} for each line the expected one has and this one
     * lacks, {@code unexpected <line>} for each line this one has in addition, and {@code alembic_version <found>
     * instead of <expected>} when the expected catalogue names a revision and this one holds another. When the expected
     * catalogue has no {@code alembic_version} table (0.4.2), this one's is left out of the comparison.
     *
     * @param expected the expected catalogue
     * @return the differences, in that order; empty when equal
     */
    public List<String> differencesFrom(SchemaCatalogue expected) {
        Objects.requireNonNull(expected, "expected");
        Catalogue mine = new Catalogue(lines);
        Catalogue theirs = new Catalogue(expected.lines);
        if (!theirs.hasTable(Catalogue.ALEMBIC_TABLE)) {
            // 0.4.2's description leaves the bookkeeping table out (the backend's revision is random): so do we.
            mine = mine.without(Catalogue.ALEMBIC_TABLE);
        }
        List<String> out = new ArrayList<>(mine.differencesFrom(theirs));
        if (expected.revision != null && !expected.revision.equals(revision)) {
            out.add("alembic_version " + (revision == null ? "missing" : revision) + " instead of " + expected.revision);
        }
        return out;
    }

    /**
     * The alembic revision.
     *
     * @return the revision, or empty
     */
    public Optional<String> alembicRevision() {
        return Optional.ofNullable(revision);
    }

    private static String resource(ServiceDatabase database) {
        return switch (database) {
            case ACCESS_INFORMATION -> "aii";
            case DICOM_WEB_FILTER -> "dwf";
            case BACKEND -> "backend";
        };
    }
}
