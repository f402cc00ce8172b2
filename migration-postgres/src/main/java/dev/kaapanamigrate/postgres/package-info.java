/**
 * Steps that check, migrate and verify Kaapana's PostgreSQL data folders and databases.
 *
 * <p>{@link dev.kaapanamigrate.postgres.DetectVersionStep} reads the installation's Kaapana version
 * ({@link dev.kaapanamigrate.postgres.KaapanaVersion}) from {@code FAST_DATA_DIR/version} or the platform chart
 * archive; {@link dev.kaapanamigrate.postgres.PreflightStep} checks the data folders without changing them;
 * {@link dev.kaapanamigrate.postgres.RenameDataFoldersStep} moves the five data folders from their 0.4 to their
 * 0.5 names inside FAST_DATA_DIR, following the table {@link dev.kaapanamigrate.domain.DataFolderMove};
 * {@link dev.kaapanamigrate.postgres.WriteVersionStep}, the last step of a plan, writes the full target version.
 *
 * <p>{@link dev.kaapanamigrate.postgres.MigrateAccessInformationStep},
 * {@link dev.kaapanamigrate.postgres.MigrateDicomWebFilterStep} and {@link dev.kaapanamigrate.postgres.MigrateBackendStep}
 * migrate the three service databases to their exact 0.5.2 schema and alembic head, each in one transaction, through
 * the connections a {@link dev.kaapanamigrate.postgres.DatabaseConnections} hands out; the first shares the project
 * UUIDs as a {@link dev.kaapanamigrate.domain.ProjectList}; {@link dev.kaapanamigrate.postgres.DatabaseMigrationOptions}
 * holds the decisions they cannot take alone.
 *
 * <p>After the database migrations: {@link dev.kaapanamigrate.postgres.BackendReferencesStep} rewrites references the
 * kaapana-backend stores (renamed DAG ids, integer project ids of old jobs);
 * {@link dev.kaapanamigrate.postgres.RolePasswordStep} makes sure 0.5's services can log in to the access-information
 * and dicom-web-filter databases; {@link dev.kaapanamigrate.postgres.ReportExtensionDagsStep} lists the DAGs 0.5.2
 * maps to no project ({@link dev.kaapanamigrate.postgres.ExtensionDags}).
 */
package dev.kaapanamigrate.postgres;
