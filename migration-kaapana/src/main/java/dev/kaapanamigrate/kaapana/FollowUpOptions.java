package dev.kaapanamigrate.kaapana;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link FollowUpWorkflowsStep} starts the follow-up workflows. Immutable.
 *
 * @param dags          the DAGs, in the order they run; default {@link #GUIDE_ORDER}
 * @param batchSize     series per workflow; default 500
 * @param waitTimeout   how long to wait for the workflows of one DAG; default 6 hours
 * @param pollInterval  how often to ask for their jobs; default 15 s
 * @param instanceName  the local site's instance name ({@code instance_names}); default {@code central}
 * @param username      the user the workflows run as ({@code username}); default {@code kaapana}
 * @param workflowForms the {@code workflow_form} per DAG; default for {@code validate-dicoms} upstream's CI sample
 *                      ({@code exit_on_error: false}, {@code validator_algorithm: dicom-validator}), empty for the others
 */
public record FollowUpOptions(List<String> dags, int batchSize, Duration waitTimeout, Duration pollInterval,
                              String instanceName, String username, Map<String, Map<String, Object>> workflowForms) {

    /** The DAGs the upgrade guide asks for, in its order. */
    public static final List<String> GUIDE_ORDER = List.of("clear-validation-results", "validate-dicoms",
            "generate-thumbnail");
    /** The DAG that makes thumbnails: it gets only the series without one. */
    public static final String THUMBNAIL_DAG = "generate-thumbnail";

    /**
     * Validates and copies.
     *
     * @param dags          the DAGs
     * @param batchSize     series per workflow
     * @param waitTimeout   wait per DAG
     * @param pollInterval  poll interval
     * @param instanceName  the site
     * @param username      the user
     * @param workflowForms the forms
     */
    public FollowUpOptions {
        dags = List.copyOf(dags);
        if (dags.isEmpty()) {
            throw new IllegalArgumentException("dags must not be empty");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(username, "username");
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        workflowForms.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        workflowForms = Map.copyOf(copy);
    }

    /**
     * The guide's three DAGs, 500 series per workflow, 6 hours per DAG, polled every 15 s, site {@code central}, user
     * {@code kaapana}.
     *
     * @return the defaults
     */
    public static FollowUpOptions defaults() {
        return new FollowUpOptions(GUIDE_ORDER, 500, Duration.ofHours(6), Duration.ofSeconds(15), "central", "kaapana",
                Map.of("validate-dicoms", Map.of("exit_on_error", false, "validator_algorithm", "dicom-validator")));
    }

    /**
     * Series per workflow.
     *
     * @param n the batch size
     * @return a new options value
     */
    public FollowUpOptions withBatchSize(int n) {
        return new FollowUpOptions(dags, n, waitTimeout, pollInterval, instanceName, username, workflowForms);
    }

    /**
     * How long to wait for the workflows of one DAG, and how often to ask.
     *
     * @param timeout  the timeout
     * @param interval the poll interval
     * @return a new options value
     */
    public FollowUpOptions withWait(Duration timeout, Duration interval) {
        return new FollowUpOptions(dags, batchSize, timeout, interval, instanceName, username, workflowForms);
    }

    /**
     * The DAGs, in order.
     *
     * @param ids the DAG ids
     * @return a new options value
     */
    public FollowUpOptions withDags(List<String> ids) {
        return new FollowUpOptions(ids, batchSize, waitTimeout, pollInterval, instanceName, username, workflowForms);
    }

    /**
     * The site and the user the workflows run as.
     *
     * @param instance the local site's instance name
     * @param user     the user
     * @return a new options value
     */
    public FollowUpOptions withSite(String instance, String user) {
        return new FollowUpOptions(dags, batchSize, waitTimeout, pollInterval, instance, user, workflowForms);
    }

    /**
     * The {@code workflow_form} of one DAG.
     *
     * @param dag  the DAG
     * @param form the form
     * @return a new options value
     */
    public FollowUpOptions withWorkflowForm(String dag, Map<String, Object> form) {
        Map<String, Map<String, Object>> more = new LinkedHashMap<>(workflowForms);
        more.put(dag, form);
        return new FollowUpOptions(dags, batchSize, waitTimeout, pollInterval, instanceName, username, more);
    }
}
