package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.domain.ProjectList;

/**
 * What {@link BackendReferencesStep} rewrites. Immutable; start from {@link #defaults()} and change with the
 * {@code with…} methods.
 *
 * <pre>{@code
 * BackendReferencesOptions options = BackendReferencesOptions.defaults()
 *         .withHistory(true);                      // also job.dag_id, workflow.dag_id, job.conf_data.dag_id
 * }</pre>
 *
 * @param configuration rewrite the renamed DAG ids in configuration: the keys of
 *                      {@code kaapana_instance.allowed_dags} and of {@code settings.value} where the key is
 *                      {@code workflows}
 * @param history       rewrite the renamed DAG ids in history: {@code job.dag_id}, {@code workflow.dag_id} and a
 *                      top-level {@code dag_id} inside {@code job.conf_data}
 * @param projectIds    replace the integer {@code job.conf_data.project_form.id} by the project's UUID (old value
 *                      kept as {@code int_id}); needs {@link ProjectList#KEY} in the context
 */
public record BackendReferencesOptions(boolean configuration, boolean history, boolean projectIds) {

    /**
     * Configuration and project ids on, history off.
     *
     * @return the defaults
     */
    public static BackendReferencesOptions defaults() {
        return new BackendReferencesOptions(true, false, true);
    }

    /**
     * Sets whether configuration is rewritten.
     *
     * @param on whether
     * @return changed options
     */
    public BackendReferencesOptions withConfiguration(boolean on) {
        return new BackendReferencesOptions(on, history, projectIds);
    }

    /**
     * Sets whether history is rewritten.
     *
     * @param on whether
     * @return changed options
     */
    public BackendReferencesOptions withHistory(boolean on) {
        return new BackendReferencesOptions(configuration, on, projectIds);
    }

    /**
     * Sets whether project ids are rewritten.
     *
     * @param on whether
     * @return changed options
     */
    public BackendReferencesOptions withProjectIds(boolean on) {
        return new BackendReferencesOptions(configuration, history, on);
    }
}
