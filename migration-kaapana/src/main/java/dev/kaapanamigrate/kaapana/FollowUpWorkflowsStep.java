package dev.kaapanamigrate.kaapana;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.MigrationStep;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.Verification;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.kaapana.internal.IdFile;
import dev.kaapanamigrate.opensearch.NewFieldCounts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kaapana.follow-up-workflows} (0.5 running): what the upgrade guide leaves to the operator — run
 * {@code clear-validation-results}, {@code validate-dicoms} and {@code generate-thumbnail}, in that order, on the
 * migrated data — done through the platform's workflow API ({@link WorkflowApi}, reference §15) for the admin project:
 * the series in batches ({@link FollowUpOptions#batchSize()}), one workflow per batch, every workflow of a DAG waited for
 * (with a timeout, progress events per workflow that ends) before the next DAG starts, each outcome reported.
 * {@code clear-validation-results} and {@code validate-dicoms} get every series mapped to the admin project,
 * {@code generate-thumbnail} only those without a thumbnail in its bucket — both lists from the
 * {@link ConsistencyReport} ({@link ConsistencyStep} runs first). Its dry-run lists what it would start and for how
 * many series (from the consistency report, or from the thumbnail and missing-field counts of {@code minio.verify} and
 * {@code opensearch.verify}).
 *
 * <p>Every started workflow is journaled at once ({@link FollowUps#KEY}): a run resumed after a crash or a timeout waits
 * for what was started and never starts a batch twice. A failed job fails the verification, naming the workflow and
 * jobs; the workflows are the platform's to re-run.
 *
 * <p>{@link #instructionsOnly(FollowUpOptions)} starts nothing: the result (verification facts and {@link FollowUps})
 * carries the follow-ups as instructions, for installers who leave them to the operator.
 *
 * <pre>{@code
 * builder.step(FollowUpWorkflowsStep.start(WorkflowApi.of(URI.create("https://kaapana.example"), tokens::get),
 *         FollowUpOptions.defaults()), ConsistencyStep.ID);
 * }</pre>
 */
public final class FollowUpWorkflowsStep implements MigrationStep {

    /** The step id. */
    public static final String ID = "kaapana.follow-up-workflows";

    private static final Logger LOG = LoggerFactory.getLogger(FollowUpWorkflowsStep.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkflowApi api;
    private final FollowUpOptions options;

    private FollowUpWorkflowsStep(WorkflowApi api, FollowUpOptions options) {
        this.api = api;
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Starts the follow-ups through the workflow API and waits for them.
     *
     * @param api     the platform's workflow API
     * @param options the options
     * @return the step
     */
    public static FollowUpWorkflowsStep start(WorkflowApi api, FollowUpOptions options) {
        return new FollowUpWorkflowsStep(Objects.requireNonNull(api, "api"), options);
    }

    /**
     * Starts nothing: the result carries the follow-ups as instructions.
     *
     * @param options the options (which DAGs, for the instructions)
     * @return the step
     */
    public static FollowUpWorkflowsStep instructionsOnly(FollowUpOptions options) {
        return new FollowUpWorkflowsStep(null, options);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return api == null ? "List the follow-up workflows to start once 0.5 runs (" + String.join(", ", options.dags())
                + ")" : "Start the follow-up workflows " + String.join(", ", options.dags()) + " for the admin project at "
                + api.endpoint() + " and wait for them";
    }

    @Override
    public PlatformState requiredState() {
        return PlatformState.TARGET_RUNNING;
    }

    /** What one DAG gets. */
    private record Planned(String dag, long series, String file, String basis) {
        int batches(int size) {
            return series <= 0 ? 0 : (int) ((series + size - 1) / size);
        }
    }

    /** The admin project and the plan per DAG. */
    private record Plan(Project admin, List<Planned> dags) {
    }

    private Plan plan(MigrationContext ctx) {
        Optional<ConsistencyReport> report = ctx.get(ConsistencyReport.KEY);
        Optional<ConsistencyReport.ProjectCounts> counts = report.flatMap(ConsistencyReport::admin);
        Project admin = ctx.get(ProjectList.KEY).map(ProjectList::admin).orElseGet(() -> counts.map(c ->
                new Project(-1, java.util.UUID.fromString(c.projectId()), c.project(), KaapanaNames.bucketOf(c.project()),
                        KaapanaNames.indexOf(c.project()), KaapanaNames.namespaceOf(c.project()))).orElse(null));
        if (admin == null) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.FOLLOW_UP_INPUT, "no admin project: neither the "
                    + "project list (" + ProjectList.KEY.name() + ") nor a consistency report is in the context",
                    "the project list the database steps share, or the report of " + ConsistencyStep.ID,
                    "add " + ConsistencyStep.ID + " (or the database steps) to the plan before " + ID), null);
        }
        Optional<NewFieldCounts> fields = ctx.get(NewFieldCounts.KEY);
        String index = admin.opensearchIndex() != null ? admin.opensearchIndex() : KaapanaNames.indexOf(admin.name());
        List<Planned> out = new ArrayList<>();
        for (String dag : options.dags()) {
            boolean thumbnails = dag.equals(FollowUpOptions.THUMBNAIL_DAG);
            if (counts.isPresent()) {
                ConsistencyReport.ProjectCounts c = counts.get();
                if (thumbnails && c.withoutThumbnailFile() != null) {
                    out.add(new Planned(dag, c.seriesWithoutThumbnail(), c.withoutThumbnailFile(),
                            "series without a thumbnail in " + admin.s3Bucket()));
                } else {
                    out.add(new Planned(dag, c.mappedSeries(), c.seriesFile(), "series mapped to project " + c.project()));
                }
            } else if (fields.isPresent()) {
                long n = thumbnails ? fields.get().missing(index, "00000000 ThumbnailInstanceUID_keyword")
                        : NewFieldCounts.FIELDS.stream().mapToLong(f -> fields.get().missing(index, f)).max().orElse(0);
                out.add(new Planned(dag, n, null, thumbnails ? "documents of " + index + " without a thumbnail"
                        : "documents of " + index + " lacking 0.5's fields"));
            } else {
                out.add(new Planned(dag, -1, null, "series of project " + admin.name()));
            }
        }
        return new Plan(admin, out);
    }

    private List<String> instructions(Plan plan) {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (Planned p : plan.dags()) {
            n++;
            String count = p.series() < 0 ? "every series" : p.series() == 0 ? "no series (nothing to do)"
                    : "the " + p.series() + " " + p.basis();
            out.add(n + ". start " + p.dag() + " for project " + plan.admin().name() + " on " + count
                    + (n == 1 ? "" : ", once " + plan.dags().get(n - 2).dag() + " has finished")
                    + " (Workflows > Workflow Execution, or POST " + WorkflowApi.WORKFLOW_PATH + ")");
        }
        return out;
    }

    @Override
    public StepCheck check(MigrationContext ctx) {
        if (ctx.platformState() != PlatformState.TARGET_RUNNING) {
            return StepCheck.deferred(PlatformState.TARGET_RUNNING, "the workflow API runs once 0.5 runs");
        }
        Plan plan = plan(ctx);
        if (api == null) {
            return StepCheck.upToDate("start nothing; follow-ups to start by hand: " + String.join("; ",
                    instructions(plan)));
        }
        Optional<FollowUps> recorded = ctx.get(FollowUps.KEY);
        List<Change> changes = new ArrayList<>();
        for (Planned p : plan.dags()) {
            if (p.series() < 0) {
                throw new MigrationException(Problem.of(KaapanaErrorCode.FOLLOW_UP_INPUT, "how many series " + p.dag()
                        + " needs is not known yet: no consistency report and no field counts in the context",
                        "the report of " + ConsistencyStep.ID, "add " + ConsistencyStep.ID + " before " + ID), null);
            }
            int batches = p.batches(options.batchSize());
            int open = 0;
            for (int b = 1; b <= batches; b++) {
                int batch = b;
                open += recorded.flatMap(r -> r.workflow(p.dag(), batch)).filter(FollowUps.Workflow::ended).isPresent()
                        ? 0 : 1;
            }
            if (open > 0) {
                changes.add(Change.of(Change.Kind.CREATE, "workflow " + p.dag() + " for project " + plan.admin().name()
                        + " at " + api.endpoint(), null, p.series() + " " + p.basis() + " in " + batches + " batches of at "
                        + "most " + options.batchSize() + (open < batches ? " (" + (batches - open) + " ended already)"
                        : ""), open));
            }
        }
        if (changes.isEmpty()) {
            return StepCheck.upToDate(recorded.map(r -> r.workflows().size() + " follow-up workflows ended")
                    .orElse("no series needs a follow-up workflow"));
        }
        return StepCheck.pending(changes);
    }

    @Override
    public List<Change> apply(MigrationContext ctx) {
        if (api == null) {
            return List.of();
        }
        Plan plan = plan(ctx);
        String project = projectJson(plan.admin());
        List<FollowUps.Workflow> state = new ArrayList<>(ctx.get(FollowUps.KEY).map(FollowUps::workflows)
                .orElse(List.of()));
        List<String> instructions = instructions(plan);
        int total = plan.dags().stream().mapToInt(p -> p.batches(options.batchSize())).sum();
        List<Change> changes = new ArrayList<>();
        for (Planned p : plan.dags()) {
            int batches = p.batches(options.batchSize());
            if (batches == 0) {
                continue;
            }
            if (p.file() == null) {
                throw new MigrationException(Problem.of(KaapanaErrorCode.FOLLOW_UP_INPUT, "the series for " + p.dag()
                        + " are not known: the context holds counts, but no consistency report with the series lists",
                        "the report of " + ConsistencyStep.ID, "add " + ConsistencyStep.ID + " before " + ID), null);
            }
            startBatches(ctx, plan, p, batches, project, state, instructions);
            await(ctx, plan, p, state, instructions, total);
            for (FollowUps.Workflow w : state) {
                if (w.dag().equals(p.dag())) {
                    changes.add(Change.of(Change.Kind.CREATE, "workflow " + w.workflowName() + " (" + w.dag() + " batch "
                            + w.batch() + "/" + w.batches() + ")", null, w.status() + ", " + w.jobs() + " jobs"
                            + (w.failedJobs().isEmpty() ? "" : ", failed: " + String.join(", ", w.failedJobs())),
                            w.series()));
                }
            }
        }
        return changes;
    }

    private void startBatches(MigrationContext ctx, Plan plan, Planned p, int batches, String project,
                              List<FollowUps.Workflow> state, List<String> instructions) {
        try (IdFile.Reader series = IdFile.open(Path.of(p.file()))) {
            for (int b = 1; b <= batches; b++) {
                List<String> uids = new ArrayList<>(options.batchSize());
                while (uids.size() < options.batchSize() && series.peek() != null) {
                    uids.add(series.next());
                }
                int batch = b;
                if (state.stream().anyMatch(w -> w.dag().equals(p.dag()) && w.batch() == batch)) {
                    continue; // started by an earlier attempt: never twice
                }
                WorkflowApi.Started s = api.start(project, body(p.dag(), b, batches, uids));
                LOG.info("Started {} batch {}/{} ({} series) for project {} as workflow {}", p.dag(), b, batches,
                        uids.size(), plan.admin().name(), s.workflowName());
                state.add(new FollowUps.Workflow(p.dag(), b, batches, uids.size(), s.workflowName(), "started", 0,
                        List.of()));
                ctx.put(FollowUps.KEY, new FollowUps(plan.admin().name(), instructions, state));
            }
        } catch (IOException e) {
            throw new MigrationException(Problem.of(KaapanaErrorCode.FOLLOW_UP_INPUT, "the series list " + p.file()
                    + " cannot be read: " + e.getMessage(), "the series lists of the consistency report",
                    "keep the state directory of the run that took the report, or run " + ConsistencyStep.ID + " again"), e);
        }
    }

    private void await(MigrationContext ctx, Plan plan, Planned p, List<FollowUps.Workflow> state,
                       List<String> instructions, int total) {
        Instant deadline = ctx.clock().instant().plus(options.waitTimeout());
        while (true) {
            boolean changed = false;
            for (int i = 0; i < state.size(); i++) {
                FollowUps.Workflow w = state.get(i);
                if (!w.dag().equals(p.dag()) || w.ended()) {
                    continue;
                }
                List<WorkflowApi.Job> jobs = api.jobs(w.workflowName());
                FollowUps.Workflow now = judge(w, jobs);
                if (!now.equals(w)) {
                    state.set(i, now);
                    changed = true;
                    if (now.ended()) {
                        ctx.progress(state.stream().filter(FollowUps.Workflow::ended).count(), total,
                                "follow-up workflows ended", now.dag() + " batch " + now.batch() + "/" + now.batches()
                                        + ": " + now.status());
                    }
                }
            }
            if (changed) {
                ctx.put(FollowUps.KEY, new FollowUps(plan.admin().name(), instructions, state));
            }
            List<FollowUps.Workflow> open = state.stream().filter(w -> w.dag().equals(p.dag()) && !w.ended()).toList();
            if (open.isEmpty()) {
                return;
            }
            if (!ctx.clock().instant().isBefore(deadline)) {
                throw new MigrationException(Problem.of(KaapanaErrorCode.FOLLOW_UP_TIMEOUT, open.size() + " workflows of "
                        + p.dag() + " did not finish within " + options.waitTimeout() + ": " + String.join(", ",
                        open.stream().limit(10).map(w -> w.workflowName() + " (" + w.status() + ", " + w.jobs() + " jobs)")
                                .toList()), "every workflow of " + p.dag() + " finished or failed",
                        "look at them in the platform's workflow list; run again to wait longer (nothing is started twice)"
                                + ", or raise FollowUpOptions.withWait(...)"), null);
            }
            try {
                Thread.sleep(options.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationException(KaapanaErrorCode.FOLLOW_UP_TIMEOUT, "interrupted while waiting for " + p.dag(),
                        e);
            }
        }
    }

    private static FollowUps.Workflow judge(FollowUps.Workflow w, List<WorkflowApi.Job> jobs) {
        List<String> failed = jobs.stream().filter(j -> j.status().equals("failed")).map(WorkflowApi.Job::id).toList();
        boolean allEnded = !jobs.isEmpty() && jobs.stream().allMatch(j -> j.status().equals("finished")
                || j.status().equals("failed"));
        String status = jobs.isEmpty() ? "started" : !allEnded ? "running" : failed.isEmpty() ? "finished" : "failed";
        return new FollowUps.Workflow(w.dag(), w.batch(), w.batches(), w.series(), w.workflowName(), status, jobs.size(),
                failed);
    }

    private ObjectNode body(String dag, int batch, int batches, List<String> uids) {
        ObjectNode body = JSON.createObjectNode();
        body.put("dag_id", dag);
        body.put("workflow_name", dag + "-migration-" + batch + "-of-" + batches);
        body.putArray("instance_names").add(options.instanceName());
        body.put("federated", false);
        body.put("remote", false);
        body.put("username", options.username());
        ObjectNode conf = body.putObject("conf_data");
        conf.set("workflow_form", JSON.valueToTree(options.workflowForms().getOrDefault(dag, java.util.Map.of())));
        ArrayNode ids = conf.putObject("data_form").putArray("identifiers");
        uids.forEach(ids::add);
        return body;
    }

    private static String projectJson(Project p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", p.id().toString());
        n.put("name", p.name());
        n.put("s3_bucket", p.s3Bucket() != null ? p.s3Bucket() : KaapanaNames.bucketOf(p.name()));
        n.put("opensearch_index", p.opensearchIndex() != null ? p.opensearchIndex() : KaapanaNames.indexOf(p.name()));
        n.put("kubernetes_namespace", p.kubernetesNamespace() != null ? p.kubernetesNamespace()
                : KaapanaNames.namespaceOf(p.name()));
        if (p.oldId() > 0) {
            n.put("int_id", p.oldId());
        }
        return n.toString();
    }

    @Override
    public Verification verify(MigrationContext ctx) {
        Verification.Builder v = Verification.builder();
        Plan plan = plan(ctx);
        List<String> instructions = instructions(plan);
        if (api == null) {
            ctx.put(FollowUps.KEY, new FollowUps(plan.admin().name(), instructions, List.of()));
            for (int i = 0; i < instructions.size(); i++) {
                v.fact("follow-up " + (i + 1) + " of " + instructions.size() + " to start by hand", "listed",
                        instructions.get(i), true);
            }
            return v.build();
        }
        Optional<FollowUps> recorded = ctx.get(FollowUps.KEY);
        for (Planned p : plan.dags()) {
            int batches = p.batches(options.batchSize());
            String name = "follow-up " + p.dag() + " for project " + plan.admin().name();
            if (batches == 0) {
                v.fact(name, "every batch finished", p.series() == 0 ? "nothing to start (no " + p.basis() + ")"
                        : "not planned", p.series() == 0);
                continue;
            }
            if (recorded.isEmpty()) {
                v.notProven(name, "no record of the workflows started (the journal of the run that started them is "
                        + "gone)");
                continue;
            }
            List<String> open = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            for (int b = 1; b <= batches; b++) {
                Optional<FollowUps.Workflow> w = recorded.get().workflow(p.dag(), b);
                if (w.isEmpty() || !w.get().ended()) {
                    open.add("batch " + b + (w.map(x -> " (" + x.workflowName() + ", " + x.status() + ")")
                            .orElse(" (not started)")));
                } else if (w.get().status().equals("failed")) {
                    failed.add(w.get().workflowName() + " (failed jobs: " + String.join(", ", w.get().failedJobs()) + ")");
                }
            }
            boolean ok = open.isEmpty() && failed.isEmpty();
            v.fact(name, "all " + batches + " batches (" + p.series() + " series) finished", ok ? "all " + batches
                    + " finished" : (failed.isEmpty() ? "" : failed.size() + " failed: " + String.join(", ", failed)
                    + (open.isEmpty() ? "" : "; ")) + (open.isEmpty() ? "" : open.size() + " not ended: "
                    + String.join(", ", open)), ok);
        }
        return v.build();
    }

    @Override
    public String toString() {
        return ID;
    }
}
