/**
 * Implementation details of migration-pgserver (how a server is launched, awaited, reached and stopped; the
 * binaries' archive and ELF header). <strong>Not API and unsupported</strong>: anything here may change or
 * disappear in any release without notice, and no other module may use it. Use
 * {@link dev.kaapanamigrate.pgserver.PostgresServer}, {@link dev.kaapanamigrate.pgserver.PostgresBinaries} and the
 * package {@code dev.kaapanamigrate.pgserver.os} instead.
 */
package dev.kaapanamigrate.pgserver.internal;
