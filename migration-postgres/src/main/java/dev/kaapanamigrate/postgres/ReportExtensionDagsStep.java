package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ServiceDatabase;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.postgres.internal.ExtensionDagSql;
import dev.kaapanamigrate.postgres.internal.KaapanaDags;
import dev.kaapanamigrate.postgres.internal.Sql;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only: lists the DAG ids the 0.4 installation used (in {@code job.dag_id}, {@code workflow.dag_id}, the
 * keys of {@code kaapana_instance.allowed_dags} and of the saved {@code workflows} settings) that none of Kaapana
 * 0.5.2's 41 default software mappings covers, after the two DAG renames. 0.5.2 maps only those 41 to each
 * project, and the backend offers a project only the DAGs mapped to it (migration reference §11), so an
 * extension DAG must be mapped by an operator once 0.5 is up. The list, with the projects that used each DAG
 * and counts, goes into the context ({@link ExtensionDags#KEY}), the check's up-to-date detail and the
 * verification's facts; apply changes nothing.
 *
 * <p>Projects come from the jobs' {@code conf_data.project_form} (its name), and for workflows without jobs
 * from {@code workflow.project_id} where the backend already has the 0.5 column (named through the
 * {@link ProjectList} in the context when there is one). No dependencies by default: it reads columns
 * that are the same before and after the backend migration.
 *
 * <pre>{@code
 * plan.step(new ReportExtensionDagsStep(connections, List.of()));
 * // later: result context value "postgres.extension-dags"
 * }</pre>
 */
public final class ReportExtensionDagsStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "postgres.report-extension-dags";

    private static final Logger LOG = LoggerFactory.getLogger(ReportExtensionDagsStep.class);

    private final DatabaseConnections connections;

    /**
     * Creates the step.
     *
     * @param connections where the kaapana-backend database is reached
     */
    public ReportExtensionDagsStep(DatabaseConnections connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "List the DAG ids used in 0.4 that no Kaapana 0.5.2 default software mapping covers (read-only)";
    }


    @Override
    public StepCheck check(MigrationContext ctx) {
        return Sql.blockedWhenUnreachable(() -> checkConnected(ctx));
    }

    private StepCheck checkConnected(MigrationContext ctx) {
        ExtensionDags found = find(ctx);
        if (found.dags().isEmpty()) {
            return StepCheck.upToDate("every DAG id used in kaapana-backend is one of the "
                    + KaapanaDags.defaultSoftware().size() + " DAGs Kaapana 0.5.2 maps to every project");
        }
        return StepCheck.upToDate(found.dags().size() + " DAG id(s) used in 0.4 have no default software mapping in "
                + "Kaapana 0.5.2; map them to their projects once 0.5 is up: " + describe(found));
    }

    /**
     * Changes nothing; the list is in the context since the check.
     *
     * @param ctx the context
     * @return no changes
     */
    @Override
    public List<Change> apply(MigrationContext ctx) {
        find(ctx);
        return List.of();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        ExtensionDags found = find(ctx);
        Verification.Builder v = Verification.builder();
        v.fact("DAG ids used in kaapana-backend without a Kaapana 0.5.2 default software mapping",
                "listed for the operator (context value " + ExtensionDags.KEY.name() + ")",
                found.dags().isEmpty() ? "none" : found.dags().stream().map(ExtensionDag::dagId)
                        .collect(Collectors.joining(", ")), true);
        for (ExtensionDag d : found.dags()) {
            v.fact("extension DAG " + d.dagId(), "to be mapped to its projects once 0.5 is up", d.describe(), true);
        }
        return v.build();
    }

    private ExtensionDags find(MigrationContext ctx) {
        ProjectList projects = ctx.get(ProjectList.KEY).orElse(null);
        List<ExtensionDag> dags = Sql.read(connections.jdbi(ServiceDatabase.BACKEND, ctx), "kaapana-backend",
                "extension DAG listing", h -> ExtensionDagSql.find(h, uuid -> {
                    if (projects == null) {
                        return null;
                    }
                    try {
                        return projects.byId(java.util.UUID.fromString(uuid)).map(Project::name).orElse(null);
                    } catch (IllegalArgumentException notAUuid) {
                        return null;
                    }
                }));
        ExtensionDags found = new ExtensionDags(dags);
        if (!dags.isEmpty()) {
            LOG.warn("DAG ids without a Kaapana 0.5.2 default software mapping: {}", describe(found));
        }
        ctx.put(ExtensionDags.KEY, found);
        return found;
    }

    private static String describe(ExtensionDags found) {
        return found.dags().stream().map(ExtensionDag::describe).collect(Collectors.joining("; "));
    }
}
