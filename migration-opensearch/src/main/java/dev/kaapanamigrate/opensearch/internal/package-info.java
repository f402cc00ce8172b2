/**
 * Internals of {@code migration-opensearch}: the HTTP calls, the document listing and its external sort, the canonical
 * hash of a document's source, the security API reader and the data-folder walk. Not API: unsupported, and it may
 * change in any release without notice.
 */
package dev.kaapanamigrate.opensearch.internal;
