/**
 * Implementation details of the testkit. <strong>Not API</strong>: anything here may change in any release.
 */
package dev.kaapanamigrate.testkit.internal;
