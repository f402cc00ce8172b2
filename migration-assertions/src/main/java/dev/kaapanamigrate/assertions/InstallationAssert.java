package dev.kaapanamigrate.assertions;

import dev.kaapanamigrate.core.JournaledValues;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.minio.VerifyObjectsStep;
import dev.kaapanamigrate.opensearch.VerifyDocumentsStep;
import dev.kaapanamigrate.postgres.MigrateAccessInformationStep;
import dev.kaapanamigrate.postgres.MigrateBackendStep;
import dev.kaapanamigrate.postgres.MigrateDicomWebFilterStep;
import java.util.ArrayList;
import java.util.List;

/**
 * Assertions on a migrated installation ({@link MigrationAssertions#assertThatInstallation}).
 */
public final class InstallationAssert {

    private final MigratedInstallation installation;

    InstallationAssert(MigratedInstallation installation) {
        this.installation = installation;
    }

    /**
     * Everything the migration recorded before it changed anything is still there: users, roles, role mappings and
     * projects (access-information), series mappings (dicom-web-filter), datasets (now in the admin project),
     * workflows, jobs and the other backend tables (each through the documented rewrites), and, when given, the objects
     * of every bucket and the documents of every index. There is no second comparison here: the steps that recorded
     * the baselines verify against them ({@code postgres.migrate-*}, {@code minio.verify}, {@code opensearch.verify}),
     * in a context seeded with the recorded values.
     *
     * @param baseline what the migration journaled, for example {@code JournaledValues.read(stateDirectory)} or
     *                 {@code plan.journaledValues()}
     * @return this
     * @throws AssertionError naming the first differences (table, bucket, index, key, what was expected and found) and
     *                        their count, or what could not be compared (a baseline that was not recorded)
     */
    public InstallationAssert preserved(JournaledValues baseline) {
        List<MigrationStep> steps = new ArrayList<>();
        MigratedInstallation i = installation;
        steps.add(new MigrateAccessInformationStep(i.databases(), i.databaseOptions()));
        steps.add(new MigrateDicomWebFilterStep(i.databases(), i.databaseOptions()));
        steps.add(new MigrateBackendStep(i.databases()));
        if (i.objectStore() != null) {
            steps.add(new VerifyObjectsStep(i.objectStore()));
        }
        if (i.searchIndex() != null) {
            steps.add(new VerifyDocumentsStep(i.searchIndex(), i.searchOptions()));
        }
        List<String> differences = new ArrayList<>();
        int compared = 0;
        try (StandaloneContext ctx = baseline.newContext(PlatformState.TARGET_RUNNING)) {
            for (MigrationStep step : steps) {
                StepResult r = StepRunner.verify(step, ctx);
                if (r.verification() == null) {
                    differences.add(step.id() + ": could not compare: " + (r.problem() != null ? r.problem().found()
                            : r.message()));
                    continue;
                }
                for (Verification.Fact f : r.verification().facts()) {
                    compared++;
                    if (f.basis() == Verification.Basis.NOT_PROVEN) {
                        differences.add(step.id() + ": not compared: " + f.name() + ": " + f.actual());
                    } else if (!f.passed()) {
                        differences.add(step.id() + ": " + f.name() + ": expected " + f.expected() + ", found "
                                + f.actual());
                    }
                }
            }
        }
        if (!differences.isEmpty()) {
            throw Messages.failure("Expected the installation to preserve what the migration recorded ("
                    + baseline.source() + "), but " + Messages.count(differences.size(), "fact") + " of " + compared
                    + " differ:", differences);
        }
        return this;
    }
}
