/**
 * Internals of {@code migration-minio}: listing files, sorting, digests, listing with retries, the offline walk and the
 * admin API requests. Not API: unsupported, and changed without notice.
 */
package dev.kaapanamigrate.minio.internal;
