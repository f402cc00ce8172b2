package dev.kaapanamigrate.assertions;

import dev.kaapanamigrate.core.MigrationResult;
import dev.kaapanamigrate.kaapana.ConsistencyReport;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The entry points of the assertions, in the style of AssertJ: import them statically and chain. Every failing
 * assertion throws {@link AssertionError} (JUnit, TestNG and plain Java treat it as a failure) whose message says what
 * was expected, the first differences and how many there are in all.
 *
 * <pre>{@code
 * import static dev.kaapanamigrate.assertions.MigrationAssertions.*;
 *
 * assertThatMigration(result).succeeded().allStepsVerified();
 * assertThatDatabase(backendDataSource).hasSchema(ServiceDatabase.BACKEND, "0.5.2");
 * assertThatInstallation(MigratedInstallation.of(connections).withObjectStore(store).withSearchIndex(client))
 *         .preserved(JournaledValues.read(stateDirectory));
 * assertThatConsistency(report).isConsistent();
 * }</pre>
 */
public final class MigrationAssertions {

    /** How many differences a failure message names; all are counted. */
    public static final int FIRST_DIFFERENCES = 10;

    private MigrationAssertions() {
    }

    /**
     * Assertions on the result of a plan's {@code run()} or {@code verify()}.
     *
     * @param result the result
     * @return the assertions
     */
    public static MigrationResultAssert assertThatMigration(MigrationResult result) {
        return new MigrationResultAssert(Objects.requireNonNull(result, "result"));
    }

    /**
     * Assertions on one of Kaapana's service databases.
     *
     * @param dataSource a data source of the database (read only: one connection per assertion, closed after it)
     * @return the assertions
     */
    public static DatabaseAssert assertThatDatabase(DataSource dataSource) {
        return new DatabaseAssert(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Assertions on a migrated installation, compared with what the migration recorded before it changed anything.
     *
     * @param installation how the migrated installation is reached
     * @return the assertions
     */
    public static InstallationAssert assertThatInstallation(MigratedInstallation installation) {
        return new InstallationAssert(Objects.requireNonNull(installation, "installation"));
    }

    /**
     * Assertions on the consistency across the stores the migration checked ({@code kaapana.consistency}).
     *
     * @param report the report, for example {@code JournaledValues.read(stateDirectory).get(ConsistencyReport.KEY)}
     * @return the assertions
     */
    public static ConsistencyAssert assertThatConsistency(ConsistencyReport report) {
        return new ConsistencyAssert(Objects.requireNonNull(report, "report"));
    }
}
