package dev.kaapanamigrate.opensearch.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The version 1 encoder as first written (tree-free, one String per text, BigDecimal per number): the oracle. */
final class CanonicalJsonV1Reference {

    /** Bytes of a hash. */
    public static final int HASH_BYTES = 16;

    private final MessageDigest sha;
    private byte[] buf = new byte[8192];
    private int size;

    /** Creates an encoder. */
    CanonicalJsonV1Reference() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Hashes the value at the parser's current token and leaves the parser on its last token.
     *
     * @param p the parser, on the value's first token
     * @return the 16-byte hash
     * @throws IOException when the JSON cannot be read
     */
    public byte[] hash(JsonParser p) throws IOException {
        size = 0;
        value(p, p.currentToken());
        sha.reset();
        sha.update(buf, 0, size);
        return Arrays.copyOf(sha.digest(), HASH_BYTES);
    }

    private void value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                int mark = size;
                put((byte) 'a');
                int countAt = size;
                reserveCount();
                long n = 0;
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    value(p, e);
                    n++;
                }
                patchCount(mark, countAt, n);
            }
            case VALUE_STRING -> string(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p.getText());
            case VALUE_TRUE -> put((byte) 't');
            case VALUE_FALSE -> put((byte) 'f');
            case VALUE_NULL -> put((byte) 'z');
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }

    /** Members are encoded in arrival order; when their keys are not ascending the region is re-laid in key order. */
    private void object(JsonParser p) throws IOException {
        int start = size;
        put((byte) 'o');
        int countAt = size;
        reserveCount();
        List<Member> members = new ArrayList<>();
        boolean sorted = true;
        String previous = null;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            int from = size;
            string(key);
            value(p, p.nextToken());
            members.add(new Member(key, from, size));
            if (previous != null && previous.compareTo(key) > 0) {
                sorted = false;
            }
            previous = key;
        }
        if (!sorted) {
            int bodyFrom = members.get(0).from;
            byte[] copy = Arrays.copyOfRange(buf, bodyFrom, size);
            members.sort((a, b) -> a.key.compareTo(b.key));
            int at = bodyFrom;
            for (Member m : members) {
                int len = m.to - m.from;
                System.arraycopy(copy, m.from - bodyFrom, buf, at, len);
                at += len;
            }
        }
        patchCount(start, countAt, members.size());
    }

    private record Member(String key, int from, int to) {
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        put((byte) 's');
        varint(b.length);
        put(b, b.length);
    }

    private void number(String text) {
        byte[] b = canonicalNumber(text).getBytes(StandardCharsets.US_ASCII);
        put((byte) 'n');
        varint(b.length);
        put(b, b.length);
    }

    /**
     * The canonical text of a JSON number.
     *
     * @param text the number as written
     * @return the canonical decimal
     */
    public static String canonicalNumber(String text) {
        BigDecimal d = new BigDecimal(text);
        if (d.signum() == 0) {
            return "0";
        }
        d = d.stripTrailingZeros();
        long exponent = (long) d.precision() - d.scale() - 1;
        return Math.abs(exponent) > 64 ? d.toString() : d.toPlainString();
    }

    // Counts are written as a fixed 5-byte placeholder and then compacted into a varint.
    private void reserveCount() {
        for (int i = 0; i < 5; i++) {
            put((byte) 0);
        }
    }

    private void patchCount(int start, int countAt, long n) {
        byte[] v = new byte[5];
        int len = 0;
        long x = n;
        do {
            byte b = (byte) (x & 0x7F);
            x >>>= 7;
            v[len++] = (byte) (x != 0 ? b | 0x80 : b);
        } while (x != 0);
        int shift = 5 - len;
        System.arraycopy(v, 0, buf, countAt, len);
        if (shift > 0) {
            System.arraycopy(buf, countAt + 5, buf, countAt + len, size - countAt - 5);
            size -= shift;
        }
    }

    private void varint(long n) {
        long x = n;
        do {
            byte b = (byte) (x & 0x7F);
            x >>>= 7;
            put((byte) (x != 0 ? b | 0x80 : b));
        } while (x != 0);
    }

    private void put(byte b) {
        if (size == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[size++] = b;
    }

    private void put(byte[] b, int len) {
        if (size + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
        }
        System.arraycopy(b, 0, buf, size, len);
        size += len;
    }
}
