/**
 * Steps that check, migrate and verify Kaapana's PostgreSQL data folders and databases.
 *
 * <p>{@link dev.kaapanamigrate.postgres.RenameDataFoldersStep} moves the five data folders from their 0.4 to
 * their 0.5 names inside FAST_DATA_DIR, following the table {@link dev.kaapanamigrate.postgres.DataFolderMove}.
 */
package dev.kaapanamigrate.postgres;
