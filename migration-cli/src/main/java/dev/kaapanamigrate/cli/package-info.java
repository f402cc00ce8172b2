/**
 * The installer's command line {@code kaapana-migrate}; {@link dev.kaapanamigrate.cli.KaapanaMigrateCommand} is its
 * entry point. An application, not an API: only the entry point is public.
 */
package dev.kaapanamigrate.cli;
