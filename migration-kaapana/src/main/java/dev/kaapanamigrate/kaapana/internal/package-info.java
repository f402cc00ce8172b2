/**
 * Implementation details of migration-kaapana (running commands and masking their output, reading helm and kubectl
 * output, copying, digesting and restoring file trees, the backup manifest). <strong>Not API and unsupported</strong>:
 * anything here may change or disappear in any release without notice, and no other module may use it. Use
 * {@link dev.kaapanamigrate.kaapana.KaapanaPlatformControl}, {@link dev.kaapanamigrate.kaapana.BackupStep},
 * {@link dev.kaapanamigrate.kaapana.KaapanaBackup} and {@link dev.kaapanamigrate.kaapana.OrphanedFoldersStep} instead.
 */
package dev.kaapanamigrate.kaapana.internal;
