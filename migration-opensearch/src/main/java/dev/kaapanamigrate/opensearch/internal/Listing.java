package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.SetDigest;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The document listings of an inventory: core {@link RecordFile}s of {@link Entry entries} (the id as
 * {@link DataOutput#writeUTF modified UTF-8}, then the {@value CanonicalJson#HASH_BYTES} hash bytes of its source) in
 * ascending id ({@link String#compareTo}) order.
 */
public final class Listing {

    /** Ascending id. */
    public static final Comparator<Entry> BY_ID = Comparator.comparing(Entry::id);

    /** The record of an entry. */
    public static final RecordFile.Codec<Entry> CODEC = new RecordFile.Codec<>() {
        @Override
        public String name() {
            return "opensearch.documents/1";
        }

        @Override
        public void write(DataOutput out, Entry e) throws IOException {
            String id = e.id();
            byte[] latin1 = id.length() <= MAX_SHORT_UTF ? id.getBytes(StandardCharsets.ISO_8859_1) : null;
            if (latin1 != null && (plainAscii(latin1, true) || plainAscii(latin1, false) && isPlainAscii(id))) {
                // the same bytes writeUTF writes for such an id, without its per-character encoding; a '?' may stand
                // for a character that Latin-1 cannot encode, so only then are the characters themselves looked at
                out.writeShort(latin1.length);
                out.write(latin1);
            } else {
                out.writeUTF(id);
            }
            out.write(e.hash());
        }

        @Override
        public Entry read(DataInput in) throws IOException {
            int length = in.readUnsignedShort();
            byte[] utf = new byte[length];
            in.readFully(utf);
            // bytes 0 to 127 are the characters of their code in modified UTF-8 too; any other byte decodes to U+FFFD
            // in ASCII (a string of ASCII bytes is copied, and has no U+FFFD to find)
            String ascii = new String(utf, StandardCharsets.US_ASCII);
            String id = ascii.indexOf('\uFFFD') < 0 ? ascii : modifiedUtf8(utf);
            byte[] hash = new byte[CanonicalJson.HASH_BYTES];
            in.readFully(hash);
            return new Entry(id, hash);
        }

        @Override
        public long memorySize(Entry e) {
            return 96 + 2L * e.id().length();
        }
    };

    /** The longest id whose plain ASCII bytes fit writeUTF's length field. */
    private static final int MAX_SHORT_UTF = 65535;

    private Listing() {
    }

    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;

    /** Whether the text holds characters 1 to 127 only. */
    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == 0 || ch > 127) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the bytes are codes 1 to 127 only (modified UTF-8 writes exactly those characters as one byte each, their
     * code; NUL takes two bytes, every other character more), and with {@code noQuestionMark} none a {@code '?'}.
     * Eight bytes at a time: a word holds a byte of 0 exactly when {@code (w - ONES) & ~w & HIGH} is not 0, one above
     * 127 when {@code w & HIGH} is not 0, and a {@code '?'} when the word XOR eight {@code '?'}s holds a 0.
     */
    private static boolean plainAscii(byte[] bytes, boolean noQuestionMark) {
        long questionMarks = noQuestionMark ? 0x3F3F3F3F3F3F3F3FL : 0;
        int i = 0;
        for (int last = bytes.length - 8; i <= last; i += 8) {
            long w = (long) WORD.get(bytes, i);
            long q = w ^ questionMarks; // without noQuestionMark the same as w: no new zero byte
            if ((((w - ONES) & ~w | w | (q - ONES) & ~q) & HIGH) != 0) {
                return false;
            }
        }
        for (; i < bytes.length; i++) {
            if (bytes[i] <= 0 || noQuestionMark && bytes[i] == '?') {
                return false;
            }
        }
        return true;
    }

    /** Decodes modified UTF-8 (the bytes after writeUTF's length field) through {@link DataInputStream#readUTF}. */
    private static String modifiedUtf8(byte[] utf) throws IOException {
        byte[] framed = new byte[utf.length + 2];
        framed[0] = (byte) (utf.length >>> 8);
        framed[1] = (byte) utf.length;
        System.arraycopy(utf, 0, framed, 2, utf.length);
        return DataInputStream.readUTF(new DataInputStream(new ByteArrayInputStream(framed)));
    }

    /**
     * One listed document.
     *
     * @param id   the document id
     * @param hash the canonical hash of its source (16 bytes)
     */
    public record Entry(String id, byte[] hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.id.equals(id) && Arrays.equals(e.hash, hash);
        }

        @Override
        public int hashCode() {
            return id.hashCode() * 31 + Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return id + "=" + SetDigest.hex(hash);
        }
    }

    /**
     * Opens a listing.
     *
     * @param file the file
     * @return its entries in ascending id order
     * @throws IOException when it cannot be read or is not a document listing
     */
    public static RecordFile.Reader<Entry> read(Path file) throws IOException {
        return RecordFile.read(file, CODEC);
    }

    /**
     * Starts a listing whose entries may come in any order (written sorted by id, in bounded memory).
     *
     * @param file   the file (replaced)
     * @param budget memory budget of buffered entries, in bytes (roughly)
     * @return the writer; the listing is complete once it is closed
     * @throws IOException when the file cannot be created
     */
    public static RecordFile.SortingWriter<Entry> sorted(Path file, long budget) throws IOException {
        return RecordFile.sort(file, CODEC, BY_ID, budget, false);
    }
}
