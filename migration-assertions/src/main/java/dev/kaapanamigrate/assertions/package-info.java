/**
 * Fluent assertions on a migration's result and on a migrated installation, for users' integration tests and for
 * checks of real installations: {@link dev.kaapanamigrate.assertions.MigrationAssertions} is the entry point. They
 * throw {@link java.lang.AssertionError} with the first differences and the counts, and need no test framework and no
 * testkit.
 */
package dev.kaapanamigrate.assertions;
