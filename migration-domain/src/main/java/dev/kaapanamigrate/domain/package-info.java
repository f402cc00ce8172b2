/**
 * Kaapana values that several modules share: the {@link dev.kaapanamigrate.domain.ProjectList} the database steps
 * produce and the object-store, index and consistency steps read, the data folders and service databases, and the
 * names of buckets, indices, policies and roles ({@link dev.kaapanamigrate.domain.KaapanaNames}). Plain data only; no
 * module below the Kaapana composition opens another module's store.
 */
package dev.kaapanamigrate.domain;
