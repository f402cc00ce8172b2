package dev.kaapanamigrate.postgres;

import java.util.List;
import java.util.Objects;

/**
 * What {@link BackendReferencesStep} rewrites. Immutable; start from {@link #defaults()} and change with the
 * {@code with…} methods.
 *
 * <pre>{@code
 * BackendReferencesOptions options = BackendReferencesOptions.defaults()
 *         .withHistory(true)                       // also job.dag_id, workflow.dag_id, job.conf_data.dag_id
 *         .withDependsOn(List.of());               // a plan without postgres.migrate-backend
 * }</pre>
 *
 * @param configuration rewrite the renamed DAG ids in configuration: the keys of
 *                      {@code kaapana_instance.allowed_dags} and of {@code settings.value} where the key is
 *                      {@code workflows}
 * @param history       rewrite the renamed DAG ids in history: {@code job.dag_id}, {@code workflow.dag_id} and a
 *                      top-level {@code dag_id} inside {@code job.conf_data}
 * @param projectIds    replace the integer {@code job.conf_data.project_form.id} by the project's UUID (old value
 *                      kept as {@code int_id}); needs {@link ProjectList#KEY} in the context
 * @param dependsOn     the ids of the steps that must run first
 */
public record BackendReferencesOptions(boolean configuration, boolean history, boolean projectIds, List<String> dependsOn) {

    /** The step the references step follows by default: the kaapana-backend schema migration. */
    public static final String MIGRATE_BACKEND_STEP = "postgres.migrate-backend";

    /**
     * Copies the dependency list.
     *
     * @param configuration rewrite configuration
     * @param history       rewrite history
     * @param projectIds    rewrite project ids
     * @param dependsOn     the dependencies
     */
    public BackendReferencesOptions {
        dependsOn = List.copyOf(Objects.requireNonNull(dependsOn, "dependsOn"));
    }

    /**
     * Configuration and project ids on, history off, after {@value #MIGRATE_BACKEND_STEP}.
     *
     * @return the defaults
     */
    public static BackendReferencesOptions defaults() {
        return new BackendReferencesOptions(true, false, true, List.of(MIGRATE_BACKEND_STEP));
    }

    /**
     * Sets whether configuration is rewritten.
     *
     * @param on whether
     * @return changed options
     */
    public BackendReferencesOptions withConfiguration(boolean on) {
        return new BackendReferencesOptions(on, history, projectIds, dependsOn);
    }

    /**
     * Sets whether history is rewritten.
     *
     * @param on whether
     * @return changed options
     */
    public BackendReferencesOptions withHistory(boolean on) {
        return new BackendReferencesOptions(configuration, on, projectIds, dependsOn);
    }

    /**
     * Sets whether project ids are rewritten.
     *
     * @param on whether
     * @return changed options
     */
    public BackendReferencesOptions withProjectIds(boolean on) {
        return new BackendReferencesOptions(configuration, history, on, dependsOn);
    }

    /**
     * Sets the steps that must run first.
     *
     * @param stepIds their ids; empty to run the step on its own
     * @return changed options
     */
    public BackendReferencesOptions withDependsOn(List<String> stepIds) {
        return new BackendReferencesOptions(configuration, history, projectIds, stepIds);
    }
}
