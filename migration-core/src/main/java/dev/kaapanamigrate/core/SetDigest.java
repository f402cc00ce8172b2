package dev.kaapanamigrate.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * An order-independent digest of a multiset of items, the one every inventory uses (objects, documents, files, table
 * rows), so that a listing taken in whatever order a server returns it can be compared with another, or with a
 * generated installation's manifest: the sum (mod 2^128) of the first 16 bytes of each item's SHA-256, where an item
 * is a list of text fields, each written as {@code 0x01}, its UTF-8 bytes and {@code 0x1F} ({@code 0x00 0x1F} for a
 * missing field). Streaming, constant memory; not thread-safe.
 *
 * <pre>{@code
 * SetDigest digest = new SetDigest();
 * digest.add("project-admin/1.2.3.png", "5120", "etag-1");
 * String hex = digest.hex(); // 32 hex digits, the same in any order of adding
 * }</pre>
 */
public final class SetDigest {

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha;
    private final byte[] hexBuffer = new byte[64];
    private long high;
    private long low;
    private long count;

    /** An empty digest. */
    public SetDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * Adds one item.
     *
     * @param fields its fields; a {@code null} field is distinct from an empty one
     */
    public void add(String... fields) {
        for (String f : fields) {
            field(f);
        }
        fold();
    }

    /**
     * Adds one item.
     *
     * @param fields its fields; a {@code null} field is distinct from an empty one
     */
    public void add(List<String> fields) {
        for (String f : fields) {
            field(f);
        }
        fold();
    }

    /**
     * Adds the item (id, lower-case hex of hash) without building the hex text: the same as
     * {@code add(id, hex(hash))}.
     *
     * @param id   the id
     * @param hash the hash bytes (at most 32)
     */
    public void addIdAndHash(String id, byte[] hash) {
        field(id);
        sha.update((byte) 1);
        for (int i = 0; i < hash.length; i++) {
            hexBuffer[2 * i] = DIGITS[(hash[i] >> 4) & 0xF];
            hexBuffer[2 * i + 1] = DIGITS[hash[i] & 0xF];
        }
        sha.update(hexBuffer, 0, 2 * hash.length);
        sha.update((byte) 0x1F);
        fold();
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

    private void fold() {
        ByteBuffer h = ByteBuffer.wrap(sha.digest());
        long addHigh = h.getLong();
        long addLow = h.getLong();
        long newLow = low + addLow;
        high += addHigh + (Long.compareUnsigned(newLow, low) < 0 ? 1 : 0);
        low = newLow;
        count++;
    }

    /**
     * Items added so far.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The digest so far.
     *
     * @return 32 lower-case hex digits
     */
    public String hex() {
        return String.format("%016x%016x", high, low);
    }

    /**
     * Bytes as lower-case hex.
     *
     * @param bytes the bytes
     * @return the hex text
     */
    public static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
