package dev.kaapanamigrate.testkit.internal;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The canonical hash of a document's source, computed from the Java values the generator sends (maps, lists, strings,
 * numbers, booleans, null): the test oracle for migration-opensearch's inventory, which computes the same hash from the
 * JSON the node returns. An independent implementation of the format the inventory documents (version 1): SHA-256 over
 * object {@code 'o'} count, members by ascending key (key as a string, then value); array {@code 'a'} count, elements;
 * string {@code 's'} UTF-8 length, bytes; number {@code 'n'} length, canonical decimal; {@code 't'}, {@code 'f'},
 * {@code 'z'}; counts and lengths as unsigned LEB128; the first 16 bytes, as hex.
 */
public final class SourceHash {

    private SourceHash() {
    }

    /**
     * The hash of a document.
     *
     * @param source the document as sent
     * @return 32 hex digits
     */
    public static String hex(Object source) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(source, out);
        byte[] bytes = out.toByteArray();
        try {
            return HexFormat.of().formatHex(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(bytes), 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void encode(Object v, ByteArrayOutputStream out) {
        if (v == null) {
            out.write((byte) 'z');
        } else if (v instanceof Boolean b) {
            out.write((byte) (b ? 't' : 'f'));
        } else if (v instanceof String s) {
            text('s', s.getBytes(StandardCharsets.UTF_8), out);
        } else if (v instanceof Number n) {
            // Jackson writes a double as Double.toString and an integer as its decimal: BigDecimal of that text
            BigDecimal d = new BigDecimal(n instanceof Double || n instanceof Float ? Double.toString(n.doubleValue())
                    : n.toString());
            String canonical;
            if (d.signum() == 0) {
                canonical = "0";
            } else {
                d = d.stripTrailingZeros();
                long exponent = (long) d.precision() - d.scale() - 1;
                canonical = Math.abs(exponent) > 64 ? d.toString() : d.toPlainString();
            }
            text('n', canonical.getBytes(StandardCharsets.US_ASCII), out);
        } else if (v instanceof List<?> list) {
            out.write((byte) 'a');
            varint(list.size(), out);
            list.forEach(e -> encode(e, out));
        } else if (v instanceof Map<?, ?> map) {
            out.write((byte) 'o');
            varint(map.size(), out);
            map.entrySet().stream().sorted((a, b) -> ((String) a.getKey()).compareTo((String) b.getKey()))
                    .forEach(e -> {
                        text('s', ((String) e.getKey()).getBytes(StandardCharsets.UTF_8), out);
                        encode(e.getValue(), out);
                    });
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass());
        }
    }

    private static void text(char tag, byte[] bytes, ByteArrayOutputStream out) {
        out.write((byte) tag);
        varint(bytes.length, out);
        out.write(bytes, 0, bytes.length);
    }

    private static void varint(long n, ByteArrayOutputStream out) {
        long x = n;
        do {
            byte b = (byte) (x & 0x7F);
            x >>>= 7;
            out.write((byte) (x != 0 ? b | 0x80 : b));
        } while (x != 0);
    }
}
