package dev.kaapanamigrate.kaapana;

import dev.kaapanamigrate.core.RecordFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kaapanamigrate.core.Change;
import dev.kaapanamigrate.core.IdSource;
import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.kaapana.internal.IdFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FollowUpWorkflowsStep} against a loopback stand-in of Kaapana 0.5's workflow API (JDK HTTP server) that records
 * every call: the guide's order, one workflow per batch, the headers and payloads, a fresh token for every request, a
 * retried 5xx, a POST that is not retried, a timeout that names the open workflows and a re-run that starts nothing twice.
 */
class FollowUpWorkflowsStepTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UUID ADMIN_ID = UUID.fromString("2b1d3c4e-0000-4000-8000-000000000001");

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    /** Answers to give before the normal one, per "METHOD path", consumed in order. */
    private final Map<String, List<Integer>> faults = new HashMap<>();
    /** Milliseconds to wait before answering, per "METHOD path", consumed in order. */
    private final Map<String, List<Integer>> delays = new HashMap<>();
    /** How many polls a workflow's jobs stay running; -1: forever. */
    private volatile int pollsUntilFinished = 1;
    private final Map<String, Integer> polls = new HashMap<>();
    private final AtomicInteger started = new AtomicInteger();
    /** The method of every request as it arrived (before any delay). */
    private final List<String> arrivals = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger tokens = new AtomicInteger();
    private final Supplier<String> token = () -> "token-" + tokens.incrementAndGet();

    /** One recorded request. */
    record Call(String method, String path, String query, String authorization, String project, String contentType,
                JsonNode body, int answered) {
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", x -> {
            arrivals.add(x.getRequestMethod());
            handle(x);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        List<Integer> delay = delays.getOrDefault(method + " " + path, new ArrayList<>());
        if (!delay.isEmpty()) {
            try {
                Thread.sleep(delay.remove(0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] in = x.getRequestBody().readAllBytes();
        JsonNode body = in.length == 0 ? null : JSON.readTree(in);
        List<Integer> pending = faults.getOrDefault(method + " " + path, new ArrayList<>());
        int status;
        String answer;
        if (!pending.isEmpty()) {
            status = pending.remove(0);
            answer = "{\"detail\":\"stand-in fault, your token was " + x.getRequestHeaders().getFirst("Authorization")
                    + "\"}";
        } else if (method.equals("POST") && path.equals("/kaapana-backend/client/workflow")) {
            int n = started.incrementAndGet();
            status = 200;
            answer = "{\"workflow_id\":\"w" + n + "\",\"workflow_name\":\"" + body.path("workflow_name").asText() + "-w" + n
                    + "\",\"dag_id\":\"" + body.path("dag_id").asText() + "\"}";
        } else if (method.equals("GET") && path.equals("/kaapana-backend/client/jobs")) {
            String name = x.getRequestURI().getQuery().replace("workflow_name=", "");
            int seen = polls.merge(name, 1, Integer::sum);
            boolean done = pollsUntilFinished >= 0 && seen > pollsUntilFinished;
            String second = name.startsWith("validate-dicoms") && name.contains("-2-of-") ? "failed" : "finished";
            status = 200;
            answer = done ? "[{\"id\":\"" + name + "-j1\",\"status\":\"finished\"},{\"id\":\"" + name + "-j2\",\"status\":\""
                    + second + "\"}]" : "[{\"id\":\"" + name + "-j1\",\"status\":\"running\"},{\"id\":\"" + name
                    + "-j2\",\"status\":\"queued\"}]";
        } else {
            status = 404;
            answer = "{}";
        }
        calls.add(new Call(method, path, x.getRequestURI().getQuery(), x.getRequestHeaders().getFirst("Authorization"),
                x.getRequestHeaders().getFirst("Project"), x.getRequestHeaders().getFirst("Content-Type"), body, status));
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, out.length);
        x.getResponseBody().write(out);
        x.close();
    }

    private WorkflowApi api() {
        return WorkflowApi.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), token)
                .withRetries(3, Duration.ofMillis(5));
    }

    private static FollowUpOptions options(int batchSize) {
        return FollowUpOptions.defaults().withBatchSize(batchSize).withWait(Duration.ofSeconds(30), Duration.ofMillis(5));
    }

    private Path ids(String name, List<String> uids) throws IOException {
        Path f = dir.resolve(name);
        try (RecordFile.SortingWriter<String> w = IdFile.writer(f)) {
            for (String u : uids) {
                w.add(u);
            }
            w.finish();
        }
        return f;
    }

    /** What the consistency check leaves: 5 series mapped to admin, 3 of them without a thumbnail. */
    private StandaloneContext context() throws IOException {
        StandaloneContext ctx = MigrationContext.standalone(Clock.systemUTC(), IdSource.random(),
                PlatformState.TARGET_RUNNING, false);
        Path series = ids("series-admin.ids.gz", List.of("1.1", "1.2", "1.3", "1.4", "1.5"));
        Path without = ids("without-thumbnail-admin.ids.gz", List.of("1.2", "1.4", "1.5"));
        ConsistencyReport.ProjectCounts admin = new ConsistencyReport.ProjectCounts("admin", ADMIN_ID.toString(), true,
                5, 5, 1, 0, 2, 2, 3, series.toString(), without.toString(), true, true, true, true);
        ctx.put(ConsistencyReport.KEY, new ConsistencyReport(Instant.now(), ctx.runId().toString(), "live",
                dir.toString(), List.of(admin), List.of(), List.of()));
        ctx.put(ProjectList.KEY, new ProjectList(List.of(new Project(1, ADMIN_ID, "admin", "project-admin",
                "project_admin", "project-admin")), 1));
        return ctx;
    }

    private List<Call> posts() {
        return calls.stream().filter(c -> c.method().equals("POST") && c.answered() == 200).toList();
    }

    @Test
    void theThreeDagsRunInTheGuidesOrderInBatchesEachWaitedForWithAFreshTokenPerRequestAndRetriedGets()
            throws Exception {
        faults.put("POST /kaapana-backend/client/workflow", new ArrayList<>(List.of(503)));
        faults.put("GET /kaapana-backend/client/jobs", new ArrayList<>(List.of(502, 500)));
        List<String> progress = new ArrayList<>();
        try (StandaloneContext ctx = context()) {
            StepCheck dryRun = StepRunner.check(FollowUpWorkflowsStep.start(api(), options(2)), ctx);
            assertThat(calls).as("a dry-run calls nothing").isEmpty();
            assertThat(dryRun).isInstanceOf(StepCheck.Pending.class);
            assertThat(((StepCheck.Pending) dryRun).changes()).extracting(Change::after).containsExactly(
                    "5 series mapped to project admin in 3 batches of at most 2",
                    "5 series mapped to project admin in 3 batches of at most 2",
                    "3 series without a thumbnail in project-admin in 2 batches of at most 2");

            StepResult result = StepRunner.run(FollowUpWorkflowsStep.start(api(), options(2)), ctx);

            // validate-dicoms batch 2 has a failed job: the verification names it; everything else finished
            assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.VERIFICATION_FAILED);
            assertThat(result.verification().failures()).singleElement().satisfies(f -> {
                assertThat(f.name()).isEqualTo("follow-up validate-dicoms for project admin");
                assertThat(f.actual()).contains("1 failed: validate-dicoms-migration-2-of-3-w5 (failed jobs: "
                        + "validate-dicoms-migration-2-of-3-w5-j2)");
            });
            FollowUps followUps = ctx.require(FollowUps.KEY);
            assertThat(followUps.workflows()).extracting(w -> w.dag() + " " + w.batch() + "/" + w.batches() + " "
                    + w.series() + " " + w.status()).containsExactly(
                    "clear-validation-results 1/3 2 finished", "clear-validation-results 2/3 2 finished",
                    "clear-validation-results 3/3 1 finished", "validate-dicoms 1/3 2 finished",
                    "validate-dicoms 2/3 2 failed", "validate-dicoms 3/3 1 finished",
                    "generate-thumbnail 1/2 2 finished", "generate-thumbnail 2/2 1 finished");
        }

        // order: every workflow of a DAG ended (jobs polled to finished) before the next DAG's first start
        List<Call> posts = posts();
        assertThat(posts).extracting(c -> c.body().path("dag_id").asText()).containsExactly(
                "clear-validation-results", "clear-validation-results", "clear-validation-results",
                "validate-dicoms", "validate-dicoms", "validate-dicoms", "generate-thumbnail", "generate-thumbnail");
        int firstValidate = calls.indexOf(posts.get(3));
        List<Call> beforeValidate = calls.subList(0, firstValidate);
        for (int w = 1; w <= 3; w++) {
            String name = "clear-validation-results-migration-" + w + "-of-3-w" + w;
            assertThat(beforeValidate).as(name + " polled until finished before validate-dicoms starts")
                    .anySatisfy(c -> assertThat(c.query()).isEqualTo("workflow_name=" + name));
        }
        // batches: the series in order, thumbnails only for the series without one
        assertThat(posts).extracting(c -> c.body().path("conf_data").path("data_form").path("identifiers").toString())
                .containsExactly("[\"1.1\",\"1.2\"]", "[\"1.3\",\"1.4\"]", "[\"1.5\"]",
                        "[\"1.1\",\"1.2\"]", "[\"1.3\",\"1.4\"]", "[\"1.5\"]", "[\"1.2\",\"1.4\"]", "[\"1.5\"]");
        // payloads and headers as reference §15 describes them
        JsonNode validate = posts.get(3).body();
        assertThat(validate.path("workflow_name").asText()).isEqualTo("validate-dicoms-migration-1-of-3");
        assertThat(validate.path("instance_names").toString()).isEqualTo("[\"central\"]");
        assertThat(validate.path("federated").asBoolean(true)).isFalse();
        assertThat(validate.path("remote").asBoolean(true)).isFalse();
        assertThat(validate.path("username").asText()).isEqualTo("kaapana");
        assertThat(validate.path("conf_data").path("workflow_form").path("validator_algorithm").asText())
                .isEqualTo("dicom-validator");
        assertThat(validate.path("conf_data").path("workflow_form").path("exit_on_error").asBoolean(true)).isFalse();
        assertThat(posts).allSatisfy(c -> {
            assertThat(c.contentType()).isEqualTo("application/json");
            JsonNode project = JSON.readTree(c.project());
            assertThat(project.path("id").asText()).isEqualTo(ADMIN_ID.toString());
            assertThat(project.path("name").asText()).isEqualTo("admin");
            assertThat(project.path("s3_bucket").asText()).isEqualTo("project-admin");
            assertThat(project.path("opensearch_index").asText()).isEqualTo("project_admin");
        });
        // a token asked for before every request, retries included
        assertThat(calls).extracting(Call::authorization).doesNotContainNull().doesNotHaveDuplicates()
                .allMatch(a -> a.startsWith("Bearer token-"));
        assertThat(calls.size()).isEqualTo(tokens.get());
        // the 503 on the first start and the 502, 500 on the first polls were retried; nothing was started twice
        assertThat(calls.get(0).answered()).isEqualTo(503);
        assertThat(calls).filteredOn(c -> c.method().equals("GET")).extracting(Call::answered).startsWith(502, 500, 200);
        assertThat(started.get()).isEqualTo(8);
    }

    @Test
    void aPostAnsweredWith500IsNotRetriedAndTheMessageNeverHoldsTheToken() throws Exception {
        faults.put("POST /kaapana-backend/client/workflow", new ArrayList<>(List.of(500)));
        try (StandaloneContext ctx = context()) {
            StepResult result = StepRunner.run(FollowUpWorkflowsStep.start(api(), options(10)), ctx);

            assertThat(result.status()).isEqualTo(StepStatus.FAILED);
            assertThat(result.errorCode()).isEqualTo(KaapanaErrorCode.WORKFLOW_API_FAILED);
            assertThat(result.problem().found()).contains("answered HTTP 500").contains("not retried")
                    .contains("***").doesNotContain("token-");
            assertThat(calls).hasSize(1);
        }
    }

    @Test
    void aRequestThatTimesOutIsRetriedWhenItIsAPollAndReportedWhenItIsAStart() throws Exception {
        delays.put("GET /kaapana-backend/client/jobs", new ArrayList<>(List.of(1500)));
        delays.put("POST /kaapana-backend/client/workflow", new ArrayList<>(List.of(0, 1500)));
        WorkflowApi slow = api().withRequestTimeout(Duration.ofMillis(500));
        try (StandaloneContext ctx = context()) {
            StepResult result = StepRunner.run(FollowUpWorkflowsStep.start(slow, options(10)), ctx);

            assertThat(result.status()).isEqualTo(StepStatus.FAILED);
            assertThat(result.errorCode()).isEqualTo(KaapanaErrorCode.WORKFLOW_API_FAILED);
            assertThat(result.problem().found()).contains("POST http://127.0.0.1:")
                    .contains("failed after the request was sent (HttpTimeoutException)")
                    .contains("the workflow may have been created");
            // the first poll timed out and was asked again: clear-validation-results finished, validate-dicoms's start
            // timed out and was not sent twice
            assertThat(ctx.require(FollowUps.KEY).workflows()).extracting(FollowUps.Workflow::status)
                    .containsExactly("finished");
            assertThat(arrivals).filteredOn(m -> m.equals("POST")).hasSize(2);
        }
    }

    @Test
    void workflowsThatDoNotFinishInTimeAreNamedAndARerunWaitsForThemWithoutStartingThemAgain() throws Exception {
        pollsUntilFinished = -1;
        FollowUpOptions quick = FollowUpOptions.defaults().withBatchSize(10)
                .withWait(Duration.ofMillis(300), Duration.ofMillis(20));
        try (StandaloneContext ctx = context()) {
            StepResult timedOut = StepRunner.run(FollowUpWorkflowsStep.start(api(), quick), ctx);

            assertThat(timedOut.status()).isEqualTo(StepStatus.FAILED);
            assertThat(timedOut.errorCode()).isEqualTo(KaapanaErrorCode.FOLLOW_UP_TIMEOUT);
            assertThat(timedOut.problem().found()).contains("1 workflows of clear-validation-results did not finish")
                    .contains("clear-validation-results-migration-1-of-1-w1 (running, 2 jobs)");
            assertThat(ctx.require(FollowUps.KEY).workflows()).singleElement()
                    .satisfies(w -> assertThat(w.status()).isEqualTo("running"));
            assertThat(started.get()).isEqualTo(1);

            pollsUntilFinished = 1;
            polls.clear();
            StepResult resumed = StepRunner.run(FollowUpWorkflowsStep.start(api(), quick), ctx);

            assertThat(resumed.status()).as(resumed.message()).isIn(StepStatus.APPLIED,
                    StepStatus.VERIFICATION_FAILED);
            assertThat(posts()).extracting(c -> c.body().path("dag_id").asText()).containsExactly(
                    "clear-validation-results", "validate-dicoms", "generate-thumbnail");
        }
    }

    @Test
    void instructionsOnlyStartNothingAndCarryTheFollowUpsInTheResult() throws Exception {
        try (StandaloneContext ctx = context()) {
            StepResult result = StepRunner.run(FollowUpWorkflowsStep.instructionsOnly(FollowUpOptions.defaults()), ctx);

            assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.UP_TO_DATE);
            assertThat(calls).isEmpty();
            assertThat(ctx.require(FollowUps.KEY).instructions()).containsExactly(
                    "1. start clear-validation-results for project admin on the 5 series mapped to project admin "
                            + "(Workflows > Workflow Execution, or POST /kaapana-backend/client/workflow)",
                    "2. start validate-dicoms for project admin on the 5 series mapped to project admin, once "
                            + "clear-validation-results has finished (Workflows > Workflow Execution, or POST "
                            + "/kaapana-backend/client/workflow)",
                    "3. start generate-thumbnail for project admin on the 3 series without a thumbnail in project-admin, "
                            + "once validate-dicoms has finished (Workflows > Workflow Execution, or POST "
                            + "/kaapana-backend/client/workflow)");
            assertThat(result.verification().facts()).hasSize(3).allMatch(f -> f.passed());
        }
    }
}
