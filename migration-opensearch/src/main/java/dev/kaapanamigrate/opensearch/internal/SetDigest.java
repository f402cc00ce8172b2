package dev.kaapanamigrate.opensearch.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private final byte[] out = new byte[32];
    private byte[] item = new byte[256];

    /**
     * Adds the item (id, hex of hash) without building the hex text: the same as {@code add(id, hex(hash))}.
     *
     * @param id   the id
     * @param hash the hash bytes (at most 32)
     */
    public void addIdAndHash(String id, byte[] hash) {
        addIdAndHash(id.getBytes(StandardCharsets.UTF_8), hash);
    }

    /**
     * Adds the item (id, hex of hash) from the id's UTF-8 bytes: the same as {@code add(id, hex(hash))}.
     *
     * @param idUtf8 the id as UTF-8
     * @param hash   the hash bytes (at most 32)
     */
    public void addIdAndHash(byte[] idUtf8, byte[] hash) {
        int len = idUtf8.length + 2 * hash.length + 4;
        if (item.length < len) {
            item = new byte[Math.max(len, 2 * item.length)];
        }
        byte[] b = item;
        b[0] = 1;
        System.arraycopy(idUtf8, 0, b, 1, idUtf8.length);
        int at = idUtf8.length + 1;
        b[at++] = 0x1F;
        b[at++] = 1;
        for (byte x : hash) {
            b[at++] = DIGITS[(x >> 4) & 0xF];
            b[at++] = DIGITS[x & 0xF];
        }
        b[at++] = 0x1F;
        sha.update(b, 0, at);
        fold();
    }

    /**
     * Adds the one-field item (id) from the id's UTF-8 bytes: the same as {@code add(id)}.
     *
     * @param idUtf8 the id as UTF-8
     */
    public void addId(byte[] idUtf8) {
        int len = idUtf8.length + 2;
        if (item.length < len) {
            item = new byte[Math.max(len, 2 * item.length)];
        }
        item[0] = 1;
        System.arraycopy(idUtf8, 0, item, 1, idUtf8.length);
        item[idUtf8.length + 1] = 0x1F;
        sha.update(item, 0, len);
        fold();
    }

    /**
     * Adds every item of another digest (the digest of the union of the two multisets).
     *
     * @param other the other digest
     */
    public void addAll(SetDigest other) {
        add(other.high, other.low, other.count);
    }

    private void fold() {
        try {
            sha.digest(out, 0, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        add((long) LONGS.get(out, 0), (long) LONGS.get(out, 8), 1);
    }

    private void add(long addHigh, long addLow, long items) {
        long newLow = low + addLow;
        high += addHigh + (Long.compareUnsigned(newLow, low) < 0 ? 1 : 0);
        low = newLow;
        count += items;
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
