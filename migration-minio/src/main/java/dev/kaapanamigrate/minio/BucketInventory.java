package dev.kaapanamigrate.minio;

import java.util.Objects;

/**
 * One bucket of an {@link ObjectInventory}: how many objects, how many bytes, an order-independent digest of every
 * object's (key, size, ETag without quotes), and the listing file that holds them all.
 *
 * @param name    the bucket
 * @param objects how many objects
 * @param bytes   their total size
 * @param digest  32 hex digits: the sum (mod 2^128) of the first 16 bytes of each object's SHA-256 over its fields
 *                (each field as {@code 0x01}, its UTF-8 bytes, {@code 0x1F}; a missing ETag as {@code 0x00 0x1F});
 *                size in decimal. The same whatever order a server lists in
 * @param listing the absolute path of the listing file (read it with {@link ObjectListing#open})
 */
public record BucketInventory(String name, long objects, long bytes, String digest, String listing) {

    /**
     * Validates the components.
     *
     * @param name    the bucket
     * @param objects how many objects
     * @param bytes   their total size
     * @param digest  the digest
     * @param listing the listing file
     */
    public BucketInventory {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(listing, "listing");
    }
}
