package dev.kaapanamigrate.pgserver;

/**
 * The C library the PostgreSQL binaries are built against. It decides text collation: musl sorts by code
 * point whatever {@code datcollate} says, glibc sorts {@code en_US.utf8} linguistically, so a folder must be
 * opened by binaries of the libc that created it.
 */
public enum Libc {
    /** musl, as in Kaapana's Alpine-based PostgreSQL image; needs the loader {@code /lib/ld-musl-x86_64.so.1}. */
    MUSL,
    /** glibc, as in the Debian-based official image. */
    GLIBC
}
