package dev.kaapanamigrate.opensearch.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An order-independent digest of a multiset of items: the sum (mod 2^128) of the first 16 bytes of each item's SHA-256,
 * where an item is a list of text fields, each written as {@code 0x01}, its UTF-8 bytes and {@code 0x1F}. The same in
 * whatever order a server lists the items; the testkit's manifest digests use the same item framing.
 */
public final class SetDigest {

    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest sha;
    private long high;
    private long low;
    private long count;

    /** An empty digest. */
    public SetDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adds one item.
     *
     * @param fields its fields
     */
    public void add(String... fields) {
        for (String f : fields) {
            sha.update((byte) 1);
            sha.update(f.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0x1F);
        }
        fold();
    }

    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final byte[] hexBuffer = new byte[64];

    /**
     * Adds the item (id, hex of hash) without building the hex text: the same as {@code add(id, hex(hash))}.
     *
     * @param id   the id
     * @param hash the hash bytes (at most 32)
     */
    public void addIdAndHash(String id, byte[] hash) {
        sha.update((byte) 1);
        sha.update(id.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0x1F);
        sha.update((byte) 1);
        for (int i = 0; i < hash.length; i++) {
            hexBuffer[2 * i] = DIGITS[(hash[i] >> 4) & 0xF];
            hexBuffer[2 * i + 1] = DIGITS[hash[i] & 0xF];
        }
        sha.update(hexBuffer, 0, 2 * hash.length);
        sha.update((byte) 0x1F);
        fold();
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
     * Items added.
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

    /**
     * A hash as hex.
     *
     * @param hash the bytes
     * @return lower-case hex
     */
    public static String hex(byte[] hash) {
        return HEX.formatHex(hash);
    }
}
