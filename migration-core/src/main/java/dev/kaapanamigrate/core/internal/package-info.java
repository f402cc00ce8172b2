/**
 * Implementation details of kaapana-migrate's core. <strong>Not API and unsupported</strong>: anything here may
 * change or disappear in any release without notice, and no other module may use it. Use the types of
 * {@code dev.kaapanamigrate.core} instead.
 */
package dev.kaapanamigrate.core.internal;
