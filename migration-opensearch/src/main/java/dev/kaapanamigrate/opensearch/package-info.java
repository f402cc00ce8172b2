/**
 * Steps for Kaapana's OpenSearch across the 0.4 → 0.5 migration, built on the caller's own
 * {@link org.opensearch.client.opensearch.OpenSearchClient} (credentials, TLS and endpoint stay as the caller configured
 * them): {@link dev.kaapanamigrate.opensearch.BaselineStep} (0.4 running: every {@code project_*} index listed as
 * document ids and canonical content hashes), {@link dev.kaapanamigrate.opensearch.OfflineBaselineStep} and
 * {@link dev.kaapanamigrate.opensearch.OfflineVerifyStep} (undeployed: the files of FAST_DATA_DIR/os/data),
 * {@link dev.kaapanamigrate.opensearch.VerifyDocumentsStep} (0.5 running: same ids and content, projects, template, new
 * fields), {@link dev.kaapanamigrate.opensearch.CheckSecurityStep} (0.5 running: UUID role mappings, no 0.4 leftovers)
 * and the opt-in repair {@link dev.kaapanamigrate.opensearch.RecreateProjectIndicesStep}.
 *
 * <pre>{@code
 * OpenSearchOptions options = OpenSearchOptions.defaults();
 * MigrationPlan plan = MigrationPlan.builder()
 *         .step(new BaselineStep(client, options))
 *         .step(new VerifyDocumentsStep(client, options), BaselineStep.ID)
 *         .step(new CheckSecurityStep(client, options))
 *         ...
 * }</pre>
 */
package dev.kaapanamigrate.opensearch;
