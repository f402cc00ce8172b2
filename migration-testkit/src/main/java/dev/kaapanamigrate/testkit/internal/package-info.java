/**
 * Implementation details of kaapana-migrate's testkit. <strong>Not API</strong>: anything here may change in
 * any release without notice. Use the types of {@code dev.kaapanamigrate.testkit.backends} (and the other
 * testkit packages) instead.
 */
package dev.kaapanamigrate.testkit.internal;
