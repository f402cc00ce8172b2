package dev.kaapanamigrate.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationContext;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.KaapanaDatabase;
import dev.kaapanamigrate.testkit.KaapanaInstallation;
import dev.kaapanamigrate.testkit.SimulatedPlatform;
import java.nio.file.Files;
import dev.kaapanamigrate.testkit.Manifest;
import dev.kaapanamigrate.testkit.InstallationGenerator;
import dev.kaapanamigrate.testkit.ReliabilityCounts;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.security.OpenSearchStartup;
import dev.kaapanamigrate.testkit.security.SecurityStandIn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * The security check against the loopback stand-in of the security plugin (seeded with 0.4's roles, then 0.5's
 * start-up actions, one left out for the negative cases), and every bad input: unreachable node, bad credentials, a
 * 403 from the security API, a node without security plugin; no secret in any message, stack trace or log line.
 */
@KaapanaInstallation
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ReliabilityCounts.class)
class SecurityIT {

    private static final String PASSWORD = "Sup3r-Secret-Pa55word-42";

    SecurityStandIn security;
    OpenSearchClient admin;
    ProjectList projects;
    InstallationModel model;
    SearchNode searchNode;

    @BeforeAll
    void start(SearchNode node, Manifest manifest, InstallationModel installationModel) {
        searchNode = node;
        security = SecurityStandIn.start(node, "admin", PASSWORD);
        admin = security.client("admin", PASSWORD);
        projects = Documents.projects(manifest);
        model = installationModel;
    }

    @AfterAll
    void stop() {
        security.close();
    }

    @BeforeEach
    void seed04() {
        security.resetToDefaults();
        security.seed04(model);
    }

    private List<OpenSearchStartup.Project> startupProjects() {
        return projects.projects().stream().map(p -> new OpenSearchStartup.Project(p.name(), p.id(),
                p.opensearchIndex())).toList();
    }

    private StandaloneContext target() {
        StandaloneContext ctx = InventoryIT.context(PlatformState.TARGET_RUNNING);
        ctx.put(ProjectList.KEY, projects);
        return ctx;
    }

    @Test
    void afterTheFull05StartEveryProjectIsMappedToItsUuid(SearchNode node) {
        assertThat(security.roleMappings()).containsEntry("admin_project_admin", List.of("admin_project_1"));
        new OpenSearchStartup().run(security, node.client(), startupProjects());
        try (StandaloneContext ctx = target()) {
            StepResult result = StepRunner.run(new CheckSecurityStep(admin, OpenSearchOptions.defaults()), ctx);
            assertThat(result.status()).as(result.message()).isEqualTo(StepStatus.UP_TO_DATE);
            assertThat(result.message()).contains(projects.projects().size() + " project roles mapped");
            assertThat(result.verification().failures()).isEmpty();
            assertThat(ctx.require(ProjectRoles.KEY).roles()).hasSize(projects.projects().size())
                    .allMatch(r -> r.exists() && r.mapped());
        }
        Project admin = projects.admin();
        assertThat(security.roleMappings()).containsEntry("admin_project_admin", List.of("admin_project_" + admin.id()));
    }

    @Test
    void theSimulatedDeployPerforms05sStartUpActions(SearchNode node, GeneratedInstallation installation,
                                                     SimulatedPlatform platform) throws Exception {
        // deploy() starts the servers on the 0.5 folders: move them there (their content does not matter here)
        for (KaapanaDatabase db : KaapanaDatabase.values()) {
            Files.createDirectories(installation.folder05(db).getParent());
            Files.move(installation.folder04(db), installation.folder05(db));
        }
        try {
            platform.onDeploy(p -> new OpenSearchStartup().run(security, node.client(), startupProjects()));
            platform.deploy();
            assertThat(security.roleMappings()).containsEntry("admin_project_admin",
                    List.of("admin_project_" + projects.admin().id()));
            try (StandaloneContext ctx = target()) {
                assertThat(StepRunner.check(new CheckSecurityStep(admin, OpenSearchOptions.defaults()), ctx))
                        .isInstanceOf(StepCheck.UpToDate.class);
            }
        } finally {
            platform.undeploy();
            for (KaapanaDatabase db : KaapanaDatabase.values()) {
                Files.move(installation.folder05(db), installation.folder04(db));
            }
        }
    }

    @Test
    void integerMappingsLeftBecauseTheResetAndInitProjectsDidNotRunAreReportedWithTheFix(SearchNode node) {
        new OpenSearchStartup().omitting(OpenSearchStartup.Action.SECURITY_RESET, OpenSearchStartup.Action.PROJECT_ROLES)
                .run(security, node.client(), startupProjects());
        Map<String, Manifest.Content> before = indices();
        try (StandaloneContext ctx = target()) {
            StepCheck check = StepRunner.check(new CheckSecurityStep(admin, OpenSearchOptions.defaults()), ctx);
            assertThat(check).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
                assertThat(b.problem().code()).isEqualTo(OpenSearchErrorCode.SECURITY_NOT_RESET);
                assertThat(b.problem().expected()).isNotBlank();
                assertThat(b.problem().found()).contains("admin_project_admin -> admin_project_1")
                        .contains(security.url().replace("http://", ""));
                assertThat(b.problem().fix()).contains("init-security-marker.txt");
            });
        }
        assertThat(indices()).isEqualTo(before);
        ReliabilityCounts.proved(SecurityIT.class,
                "bad input: a security configuration never reset coded SECURITY_NOT_RESET with the fix, indices unchanged");
    }

    @Test
    void aMissingProjectRoleAfterTheResetIsReported(SearchNode node) {
        new OpenSearchStartup().omitting(OpenSearchStartup.Action.PROJECT_ROLES)
                .run(security, node.client(), startupProjects());
        Map<String, Manifest.Content> before = indices();
        try (StandaloneContext ctx = target()) {
            StepCheck check = StepRunner.check(new CheckSecurityStep(admin, OpenSearchOptions.defaults()), ctx);
            assertThat(check).isInstanceOfSatisfying(StepCheck.Blocked.class, b -> {
                assertThat(b.problem().code()).isEqualTo(OpenSearchErrorCode.PROJECT_ROLE_MISSING);
                assertThat(b.problem().found()).contains("role admin_project_admin");
                assertThat(b.problem().expected()).contains("for every project and claim value a role");
                assertThat(b.problem().fix()).isEqualTo(OpenSearchErrorCode.PROJECT_ROLE_MISSING.remedy());
            });
            StepResult verified = StepRunner.verify(new CheckSecurityStep(admin, OpenSearchOptions.defaults()), ctx);
            assertThat(verified.status()).isEqualTo(StepStatus.VERIFICATION_FAILED);
            ProjectRoles roles = ctx.require(ProjectRoles.KEY);
            assertThat(roles.roles()).hasSize(projects.projects().size()).noneMatch(ProjectRoles.Role::mapped);
            assertThat(roles.roles()).extracting(ProjectRoles.Role::role).contains("admin_project_admin");
        }
        assertThat(indices()).isEqualTo(before);
        ReliabilityCounts.proved(SecurityIT.class,
                "bad input: a project role missing after 0.5 started coded PROJECT_ROLE_MISSING, indices unchanged");
    }

    @Test
    void a403FromTheSecurityApiIsCoded(SearchNode node) {
        OpenSearchClient reader = security.client(SecurityStandIn.READER_USER, PASSWORD);
        var p = assertCoded(() -> StepRunner.check(new CheckSecurityStep(reader, OpenSearchOptions.defaults()),
                target()), OpenSearchErrorCode.SECURITY_API_FORBIDDEN, security.url());
        assertThat(p.expected()).contains("allowed to read the security REST API");
        assertThat(p.fix()).contains("plugins.security.restapi.roles_enabled");
        ReliabilityCounts.proved(SecurityIT.class,
                "bad input: a user without security API rights coded SECURITY_API_FORBIDDEN, indices unchanged");
    }

    @Test
    void badCredentialsAreCodedAndNeverRepeated() {
        OpenSearchClient wrong = security.client("admin", PASSWORD + "-wrong");
        var checked = assertCoded(() -> StepRunner.check(new BaselineStep(wrong, OpenSearchOptions.defaults()),
                InventoryIT.context(PlatformState.SOURCE_RUNNING)), OpenSearchErrorCode.AUTHENTICATION_FAILED,
                security.url());
        var ran = assertCoded(() -> StepRunner.run(new VerifyDocumentsStep(wrong, OpenSearchOptions.defaults()),
                target()), OpenSearchErrorCode.AUTHENTICATION_FAILED, security.url());
        for (var p : List.of(checked, ran)) {
            assertThat(p.found()).contains("401 Unauthorized");
            assertThat(p.expected()).isEqualTo("the client's credentials to be accepted");
            assertThat(p.fix()).contains("credentials of an admin user");
        }
        ReliabilityCounts.proved(SecurityIT.class,
                "bad input: a wrong OpenSearch password coded AUTHENTICATION_FAILED (check and run), indices unchanged");
    }

    @Test
    void anUnreachableNodeIsCodedAndNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        OpenSearchClient nowhere = new OpenSearchClient(ApacheHttpClient5TransportBuilder
                .builder(new HttpHost("http", "127.0.0.1", port)).setMapper(new JacksonJsonpMapper()).build());
        try {
            var p = assertCoded(() -> StepRunner.check(new BaselineStep(nowhere, OpenSearchOptions.defaults()),
                    InventoryIT.context(PlatformState.SOURCE_RUNNING)), OpenSearchErrorCode.NODE_UNREACHABLE,
                    "http://127.0.0.1:" + port);
            assertThat(p.expected()).contains("a running OpenSearch node at");
            assertThat(p.fix()).contains("start the platform");
        } finally {
            nowhere._transport().close();
        }
        ReliabilityCounts.proved(SecurityIT.class,
                "bad input: an unreachable OpenSearch endpoint coded NODE_UNREACHABLE, indices unchanged");
    }

    @Test
    void aNodeWithoutSecurityPluginIsCoded(SearchNode node) {
        var p = assertCoded(() -> StepRunner.check(new CheckSecurityStep(node.client(), OpenSearchOptions.defaults()),
                target()), OpenSearchErrorCode.SECURITY_PLUGIN_MISSING, node.httpUrl());
        assertThat(p.expected()).isEqualTo("Kaapana's OpenSearch, which runs the security plugin");
        assertThat(p.fix()).isNotBlank();
        ReliabilityCounts.proved(SecurityIT.class,
                "bad input: a node without the security plugin coded SECURITY_PLUGIN_MISSING, indices unchanged");
    }

    /** Runs a step call whose problem must carry the code and name the endpoint; no secret anywhere. */
    private dev.kaapanamigrate.core.Problem assertCoded(Supplier<Object> call, OpenSearchErrorCode code,
            String endpoint) {
        Map<String, Manifest.Content> before = indices();
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        Object outcome;
        System.setErr(capture);
        System.setOut(capture);
        try {
            outcome = call.get();
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        dev.kaapanamigrate.core.Problem problem = outcome instanceof StepCheck.Blocked b ? b.problem()
                : ((StepResult) outcome).problem();
        assertThat(problem).as("outcome %s", outcome).isNotNull();
        assertThat(problem.code()).as(problem.message()).isEqualTo(code);
        assertThat(problem.message()).contains(endpoint).contains("Fix:");
        String logged = captured.toString(StandardCharsets.UTF_8);
        assertThat(problem.message()).doesNotContain(PASSWORD);
        assertThat(logged).doesNotContain(PASSWORD);
        assertThat(String.valueOf(outcome)).doesNotContain(PASSWORD);
        // the exception behind a failed step, with its causes, holds no secret either
        try {
            call.get();
        } catch (MigrationException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString()).doesNotContain(PASSWORD);
        }
        assertThat(indices()).as("no document of any index changed").isEqualTo(before);
        return problem;
    }

    /** Per index of the node (hidden ones left out): its documents' count and id digest. */
    private Map<String, Manifest.Content> indices() {
        try {
            Map<String, Manifest.Content> digests = new TreeMap<>();
            for (String index : searchNode.client().indices().get(g -> g.index("*")).result().keySet()) {
                if (!index.startsWith(".")) {
                    digests.put(index, InstallationGenerator.indexDigest(searchNode.client(), index));
                }
            }
            return digests;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
