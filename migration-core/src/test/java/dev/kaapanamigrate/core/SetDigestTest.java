package dev.kaapanamigrate.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SetDigestTest {

    @Test
    void theDigestIsTheSumOfEachItemsHashPrefixWhateverTheOrder() throws Exception {
        SetDigest forward = new SetDigest();
        forward.add("a", "1", "x");
        forward.add("b", "2", null);
        SetDigest backward = new SetDigest();
        backward.add(Arrays.asList("b", "2", null));
        backward.add("a", "1", "x");
        assertEquals(forward.hex(), backward.hex());
        assertEquals(2, forward.count());

        BigInteger sum = prefix(new byte[] {1, 'a', 0x1F, 1, '1', 0x1F, 1, 'x', 0x1F})
                .add(prefix(new byte[] {1, 'b', 0x1F, 1, '2', 0x1F, 0, 0x1F}))
                .mod(BigInteger.ONE.shiftLeft(128));
        assertEquals(String.format("%032x", sum), forward.hex(), "the documented framing, summed mod 2^128");
    }

    @Test
    void aMissingFieldDiffersFromAnEmptyOneAndAnIdWithItsHashEqualsItsHexText() {
        SetDigest missing = new SetDigest();
        missing.add("k", null);
        SetDigest empty = new SetDigest();
        empty.add("k", "");
        assertNotEquals(missing.hex(), empty.hex());

        byte[] hash = {0x00, 0x7f, (byte) 0x80, (byte) 0xff, 0x12};
        SetDigest fast = new SetDigest();
        fast.addIdAndHash("doc-1", hash);
        SetDigest text = new SetDigest();
        text.add("doc-1", SetDigest.hex(hash));
        assertEquals(text.hex(), fast.hex());
        assertEquals("007f80ff12", SetDigest.hex(hash));
    }

    private static BigInteger prefix(byte[] item) throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(item);
        return new BigInteger(1, Arrays.copyOf(sha, 16));
    }

    @Test
    void anEmptyDigestIsZero() {
        assertEquals("0".repeat(32), new SetDigest().hex());
        assertEquals(0, new SetDigest().count());
        assertEquals(3, "abc".getBytes(StandardCharsets.UTF_8).length);
    }
}
