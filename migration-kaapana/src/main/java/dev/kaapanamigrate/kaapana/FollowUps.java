package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.ContextKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The follow-up workflows of an upgrade: what {@link FollowUpWorkflowsStep} started and how each ended, or, for an
 * installer that asked for instructions only, what to start. Shared as {@link #KEY} (journaled after every start and
 * every change of state, so a resumed run waits for what was started and never starts it twice).
 *
 * @param project      the project the workflows run for (the admin project)
 * @param instructions what to do, in order, as sentences (always filled)
 * @param workflows    the workflows started, in order; empty for instructions only
 */
public record FollowUps(String project, List<String> instructions, List<Workflow> workflows) {

    /** The context key. */
    public static final ContextKey<FollowUps> KEY = ContextKey.of("kaapana.follow-ups", FollowUps.class);

    /**
     * One started workflow (one batch of series of one DAG).
     *
     * @param dag          the DAG
     * @param batch        the batch, from 1
     * @param batches      how many batches the DAG has
     * @param series       series in this batch
     * @param workflowName the workflow's name as the API answered it
     * @param status       {@code started}, {@code running}, {@code finished} or {@code failed}
     * @param jobs         jobs seen at the last poll
     * @param failedJobs   ids of jobs that failed
     */
    public record Workflow(String dag, int batch, int batches, int series, String workflowName, String status, int jobs,
                           List<String> failedJobs) {

        /**
         * Copies the list.
         *
         * @param dag          the DAG
         * @param batch        the batch
         * @param batches      the batches
         * @param series       the series
         * @param workflowName the name
         * @param status       the status
         * @param jobs         the jobs
         * @param failedJobs   the failed jobs
         */
        public Workflow {
            failedJobs = List.copyOf(failedJobs);
        }

        /**
         * Whether it ended (finished or failed).
         *
         * @return {@code true} when it ended
         */
        public boolean ended() {
            return status.equals("finished") || status.equals("failed");
        }
    }

    /**
     * Copies the lists.
     *
     * @param project      the project
     * @param instructions the instructions
     * @param workflows    the workflows
     */
    public FollowUps {
        Objects.requireNonNull(project, "project");
        instructions = List.copyOf(instructions);
        workflows = List.copyOf(workflows);
    }

    /**
     * The workflow of one batch.
     *
     * @param dag   the DAG
     * @param batch the batch, from 1
     * @return the workflow, or empty when it was not started
     */
    public Optional<Workflow> workflow(String dag, int batch) {
        return workflows.stream().filter(w -> w.dag().equals(dag) && w.batch() == batch).findFirst();
    }
}
