package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.RecordFile;
import dev.kaapanamigrate.core.SetDigest;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
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
            if (id.length() <= MAX_SHORT_UTF && isPlainAscii(id)) {
                // the same bytes writeUTF writes for such an id, without its per-character encoding
                out.writeShort(id.length());
                out.write(id.getBytes(StandardCharsets.ISO_8859_1));
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
            String id = isPlainAscii(utf) ? new String(utf, StandardCharsets.ISO_8859_1) : modifiedUtf8(utf);
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

    /**
     * Whether the text holds characters 1 to 127 only: modified UTF-8 writes exactly those as one byte each, their
     * code (NUL takes two bytes, every other character more than one).
     */
    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == 0 || ch > 127) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes are codes 1 to 127 only: then they are the modified UTF-8 of the same characters. */
    private static boolean isPlainAscii(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] <= 0) {
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
