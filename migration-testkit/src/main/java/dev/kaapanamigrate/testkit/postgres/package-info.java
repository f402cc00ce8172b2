/**
 * Real PostgreSQL 17.2 servers on real data folders, for tests: simulates Kaapana's PostgreSQL pods.
 *
 * <p>{@link dev.kaapanamigrate.pgserver.PostgresBinaries} extracts the server binaries (musl-built like
 * Kaapana's Alpine image when the musl loader is installed, else glibc-built);
 * {@link dev.kaapanamigrate.testkit.postgres.PostgresCluster} creates a data folder the way the official
 * {@code postgres} image's entrypoint does; {@link dev.kaapanamigrate.pgserver.PostgresServer} runs a
 * server on a folder without changing its configuration. When the JVM runs as root, the tools run as the
 * folder's owner (uid 70 by default, Alpine's {@code postgres} user).
 */
package dev.kaapanamigrate.testkit.postgres;
