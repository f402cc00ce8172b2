/** Not API: implementation details of migration-postgres; may change in any release. */
package dev.kaapanamigrate.postgres.internal;
