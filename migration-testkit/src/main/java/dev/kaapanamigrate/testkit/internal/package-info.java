/**
 * Implementation details of the testkit. <strong>Not API</strong>: anything here may change in any release
 * without notice. Use the public packages of the testkit instead.
 */
package dev.kaapanamigrate.testkit.internal;
