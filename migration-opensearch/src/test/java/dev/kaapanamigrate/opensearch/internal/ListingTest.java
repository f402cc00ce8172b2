package dev.kaapanamigrate.opensearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listing's record: the id in modified UTF-8 ({@code writeUTF}), then the hash bytes. */
class ListingTest {

    private static final List<String> IDS = List.of("1.2.826.0.1.3680043.8.498.1000007919.1", "", "a?b",
            "with\u0000nul", "caf\u00e9", "euro \u20ac", "lone \ud800 surrogate", "pair \ud83d\ude00", "\u007f",
            "x".repeat(65_535));

    @Test
    void everyIdIsWrittenAsWriteUtfWritesItAndReadBackAsItWas() throws IOException {
        for (String id : IDS) {
            byte[] hash = new byte[CanonicalJson.HASH_BYTES];
            hash[0] = (byte) id.length();
            hash[15] = -1;
            Listing.Entry entry = new Listing.Entry(id, hash);

            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            Listing.CODEC.write(new DataOutputStream(ours), entry);
            ByteArrayOutputStream reference = new ByteArrayOutputStream();
            DataOutputStream r = new DataOutputStream(reference);
            r.writeUTF(id);
            r.write(hash);
            assertThat(ours.toByteArray()).as("bytes of %s", id.length() > 40 ? "a long id" : id)
                    .isEqualTo(reference.toByteArray());

            DataInputStream in = new DataInputStream(new ByteArrayInputStream(reference.toByteArray()));
            assertThat(Listing.CODEC.read(in)).isEqualTo(entry);
            assertThat(in.read()).as("nothing left").isEqualTo(-1);
        }
    }

    @Test
    void aCharacterOutsideOneTo127IsFoundAtEveryPlaceOfAWordAndOfTheTail() throws IOException {
        for (int length = 1; length <= 26; length++) {
            for (int at = 0; at < length; at++) {
                for (char odd : new char[] {'\u0000', '\u0080', '\u00e9', '\u0100', '\u20ac', '\ud800', '?',
                        '\u007f', '\u0001'}) {
                    String id = "a".repeat(at) + odd + "b".repeat(length - at - 1);
                    Listing.Entry entry = new Listing.Entry(id, new byte[CanonicalJson.HASH_BYTES]);
                    ByteArrayOutputStream ours = new ByteArrayOutputStream();
                    Listing.CODEC.write(new DataOutputStream(ours), entry);
                    ByteArrayOutputStream reference = new ByteArrayOutputStream();
                    DataOutputStream r = new DataOutputStream(reference);
                    r.writeUTF(id);
                    r.write(entry.hash());
                    assertThat(ours.toByteArray()).as("bytes of U+%04X at %d of %d", (int) odd, at, length)
                            .isEqualTo(reference.toByteArray());
                    assertThat(Listing.CODEC.read(new DataInputStream(new ByteArrayInputStream(ours.toByteArray()))))
                            .isEqualTo(entry);
                }
            }
        }
    }

    @Test
    void everyByteBelow128IsReadAsReadUtfReadsIt() throws IOException {
        for (int b = 0; b < 128; b++) {
            byte[] record = new byte[2 + 9 + CanonicalJson.HASH_BYTES];
            record[1] = 9;
            java.util.Arrays.fill(record, 2, 11, (byte) 'a');
            record[6] = (byte) b;
            String expected = new DataInputStream(new ByteArrayInputStream(record)).readUTF();
            assertThat(Listing.CODEC.read(new DataInputStream(new ByteArrayInputStream(record))).id())
                    .as("byte %d", b).isEqualTo(expected);
        }
    }

    @Test
    void anIdTooLongForWriteUtfIsRefusedAsWriteUtfRefusesIt() {
        Listing.Entry entry = new Listing.Entry("x".repeat(65_536), new byte[CanonicalJson.HASH_BYTES]);
        assertThatThrownBy(() -> Listing.CODEC.write(new DataOutputStream(new ByteArrayOutputStream()), entry))
                .isInstanceOf(UTFDataFormatException.class);
    }
}
