package dev.kaapanamigrate.assertions;

import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.postgres.SchemaCatalogue;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/**
 * Assertions on one of Kaapana's service databases ({@link MigrationAssertions#assertThatDatabase}), compared with the
 * released schemas the library ships ({@link SchemaCatalogue#released}).
 */
public final class DatabaseAssert {

    private final DataSource dataSource;

    DatabaseAssert(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The database's {@code public} schema is exactly the released one (every column with its type, nullability and
     * default, every constraint, index and sequence) and, for 0.5.2, its {@code alembic_version} is the release's head.
     *
     * @param database which of the three service databases it is
     * @param version  {@code 0.5.2} (or {@code 0.4.2}, before a migration)
     * @return this
     * @throws AssertionError listing the first differences ({@code missing <line>}, {@code unexpected <line>}) and
     *                        their count, or saying that the database cannot be read
     */
    public DatabaseAssert hasSchema(ServiceDatabase database, String version) {
        SchemaCatalogue expected = SchemaCatalogue.released(database, version);
        List<String> differences;
        try (Connection c = dataSource.getConnection()) {
            differences = SchemaCatalogue.read(c).differencesFrom(expected);
        } catch (SQLException e) {
            throw new AssertionError("Expected to read the schema of the " + database.stableName() + " database, but "
                    + "the data source failed: " + e.getMessage(), e);
        }
        if (!differences.isEmpty()) {
            throw Messages.failure("Expected the " + database.stableName() + " database to have Kaapana " + version
                    + "'s schema, but it differs in " + Messages.count(differences.size(), "line") + ":", differences);
        }
        return this;
    }
}
