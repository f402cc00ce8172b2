/**
 * Internals of the Kaapana plan. Not API: unsupported, may change without notice; do not use from other modules.
 */
package dev.kaapanamigrate.kaapana.internal;
