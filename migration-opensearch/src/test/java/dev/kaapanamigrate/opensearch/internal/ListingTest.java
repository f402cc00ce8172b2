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
    void anIdTooLongForWriteUtfIsRefusedAsWriteUtfRefusesIt() {
        Listing.Entry entry = new Listing.Entry("x".repeat(65_536), new byte[CanonicalJson.HASH_BYTES]);
        assertThatThrownBy(() -> Listing.CODEC.write(new DataOutputStream(new ByteArrayOutputStream()), entry))
                .isInstanceOf(UTFDataFormatException.class);
    }
}
