package dev.kaapanamigrate.minio.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An order-independent digest of a multiset of entries: the sum (mod 2^128) of the first 16 bytes of each entry's
 * SHA-256, where an entry's fields are hashed as {@code 0x01 UTF-8 0x1F} each ({@code 0x00 0x1F} for a missing field).
 * The same whatever order a server lists in; the testkit's manifest uses the same rule, so an inventory can be compared
 * with a generated installation's manifest directly.
 */
public final class InventoryDigest {

    private final MessageDigest sha;
    private long high;
    private long low;
    private long count;

    /** Starts an empty digest. */
    public InventoryDigest() {
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds an entry of one field.
     *
     * @param a the field
     */
    public void add(String a) {
        field(a);
        finish();
    }

    /**
     * Adds an entry of three fields.
     *
     * @param a the first field
     * @param b the second field
     * @param c the third field, may be {@code null}
     */
    public void add(String a, String b, String c) {
        field(a);
        field(b);
        field(c);
        finish();
    }

    private void field(String f) {
        if (f == null) {
            sha.update((byte) 0);
        } else {
            sha.update((byte) 1);
            sha.update(f.getBytes(StandardCharsets.UTF_8));
        }
        sha.update((byte) 0x1F);
    }

    private void finish() {
        ByteBuffer h = ByteBuffer.wrap(sha.digest());
        long addHigh = h.getLong();
        long addLow = h.getLong();
        long newLow = low + addLow;
        high += addHigh + (Long.compareUnsigned(newLow, low) < 0 ? 1 : 0);
        low = newLow;
        count++;
    }

    /**
     * How many entries were added.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The digest as 32 hex digits.
     *
     * @return the digest
     */
    public String hex() {
        return String.format("%016x%016x", high, low);
    }
}
