/**
 * Implementation details of kaapana-migrate's core. <strong>Not API</strong>: anything here may change in
 * any release without notice. Use the types of {@code dev.kaapanamigrate.core} instead.
 */
package dev.kaapanamigrate.core.internal;
