package dev.kaapanamigrate.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.PlatformState;
import dev.kaapanamigrate.core.StandaloneContext;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.core.StepResult;
import dev.kaapanamigrate.core.StepRunner;
import dev.kaapanamigrate.core.StepStatus;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.BasicCredentialsProvider;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.ssl.SSLContextBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.opensearch.testcontainers.OpenSearchContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The inventory and the security check against the OpenSearch 2.18 image with its real security plugin (TLS with the
 * demo certificates, basic authentication), where Docker exists; skipped cleanly elsewhere. The client trusts the
 * demo certificate because this test configures it so: the steps never change the caller's TLS settings.
 */
@EnabledIf(value = "dev.kaapanamigrate.testkit.internal.Docker#available",
        disabledReason = "no Docker engine: the OpenSearch image with its security plugin cannot start (the stand-in "
                + "tests cover the security API)")
class RealSecurityPluginIT {

    @Test
    void theStepsWorkAgainstTheRealSecurityPlugin() throws Exception {
        try (OpenSearchContainer<?> container = new OpenSearchContainer<>(DockerImageName.parse(
                TestBackends.OPENSEARCH_IMAGE).asCompatibleSubstituteFor("opensearchproject/opensearch"))
                .withSecurityEnabled()) {
            container.start();
            URI url = URI.create(container.getHttpHostAddress());
            HttpHost host = new HttpHost(url.getScheme(), url.getHost(), url.getPort());
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            credentials.setCredentials(new AuthScope(host), new UsernamePasswordCredentials(container.getUsername(),
                    container.getPassword().toCharArray()));
            SSLContext trustAll = SSLContextBuilder.create().loadTrustMaterial(null, (chain, type) -> true).build();
            OpenSearchClient client = new OpenSearchClient(ApacheHttpClient5TransportBuilder.builder(host)
                    .setMapper(new JacksonJsonpMapper())
                    .setHttpClientConfigCallback(b -> b.setDefaultCredentialsProvider(credentials)
                            .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                                    .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(trustAll)
                                            .setHostnameVerifier(NoopHostnameVerifier.INSTANCE).build()).build()))
                    .build());
            try {
                UUID admin = UUID.randomUUID();
                client.indices().create(c -> c.index("project_admin"));
                client.index(i -> i.index("project_admin").id("1.2.3").document(java.util.Map.of("a", 1)));
                client.indices().refresh(r -> r.index("project_admin"));
                put(client, "/_plugins/_security/api/roles/admin_project_admin",
                        "{\"cluster_permissions\":[\"cluster_composite_ops\"],\"index_permissions\":[{\"index_patterns\":"
                                + "[\"project_admin\"],\"allowed_actions\":[\"data_access\"]}]}");
                put(client, "/_plugins/_security/api/rolesmapping/admin_project_admin",
                        "{\"backend_roles\":[\"admin_project_" + admin + "\"]}");

                try (StandaloneContext ctx = InventoryIT.context(PlatformState.SOURCE_RUNNING)) {
                    StepResult baseline = StepRunner.run(new BaselineStep(client, OpenSearchOptions.defaults()), ctx);
                    assertThat(baseline.status()).as(baseline.message()).isEqualTo(StepStatus.APPLIED);
                    assertThat(ctx.require(OpenSearchInventory.KEY).documents()).isEqualTo(1);
                }
                try (StandaloneContext ctx = InventoryIT.context(PlatformState.TARGET_RUNNING)) {
                    ctx.put(ProjectList.KEY, new ProjectList(List.of(new Project(1, admin, "admin", "project-admin",
                            "project_admin", "project-admin")), 1));
                    StepCheck check = StepRunner.check(new CheckSecurityStep(client, OpenSearchOptions.defaults()), ctx);
                    assertThat(check).as(String.valueOf(check)).isInstanceOf(StepCheck.UpToDate.class);
                }
            } finally {
                client._transport().close();
            }
        }
    }

    private static void put(OpenSearchClient client, String path, String json) throws Exception {
        try (var r = client.generic().execute(Requests.builder().method("PUT").endpoint(path).json(json).build())) {
            assertThat(r.getStatus()).as(path).isBetween(200, 201);
        }
    }
}
