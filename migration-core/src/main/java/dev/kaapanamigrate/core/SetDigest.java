package dev.kaapanamigrate.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private final byte[] out = new byte[32];
    private byte[] item = new byte[256];
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
        addIdAndHash(id.getBytes(StandardCharsets.UTF_8), hash);
    }

    /**
     * Adds the item (id, lower-case hex of hash) from the id's UTF-8 bytes, in one update without allocating: the same
     * as {@code add(id, hex(hash))}. For listings that digest millions of items.
     *
     * @param idUtf8 the id as UTF-8
     * @param hash   the hash bytes (at most 32)
     */
    public void addIdAndHash(byte[] idUtf8, byte[] hash) {
        int len = idUtf8.length + 2 * hash.length + 4;
        byte[] b = item(len);
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
        byte[] b = item(len);
        b[0] = 1;
        System.arraycopy(idUtf8, 0, b, 1, idUtf8.length);
        b[idUtf8.length + 1] = 0x1F;
        sha.update(b, 0, len);
        fold();
    }

    /**
     * Adds every item of another digest: the digest of the union of the two multisets.
     *
     * @param other the other digest
     */
    public void addAll(SetDigest other) {
        add(other.high, other.low, other.count);
    }

    private byte[] item(int length) {
        if (item.length < length) {
            item = new byte[Math.max(length, 2 * item.length)];
        }
        return item;
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
        try {
            sha.digest(out, 0, out.length);
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
