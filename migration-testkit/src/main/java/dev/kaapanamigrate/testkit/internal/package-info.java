/**
 * Implementation details of the testkit. <strong>Not API</strong>: anything here may change in any release
 * without notice. Use the types of {@code dev.kaapanamigrate.testkit.postgres} instead.
 */
package dev.kaapanamigrate.testkit.internal;
