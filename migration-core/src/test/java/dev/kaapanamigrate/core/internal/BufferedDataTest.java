package dev.kaapanamigrate.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The unsynchronized data streams write and read exactly what the JDK's data streams do. */
class BufferedDataTest {

    private static final List<String> TEXTS = List.of("", "plain", "with\u0000nul", "caf\u00e9", "euro \u20ac",
            "pair \ud83d\ude00", "lone \ud800", "\u07ff\u0800\uffff", "x".repeat(70));

    /** Every kind of value, several times over so that small buffers refill in the middle of values. */
    private static void writeAll(DataOutput out) throws IOException {
        for (int round = 0; round < 5; round++) {
            out.write(0xAB);
            out.write(new byte[] {1, 2, 3});
            out.write(new byte[100], 10, 40 + round);
            out.writeBoolean(round % 2 == 0);
            out.writeByte(-round);
            out.writeShort(0x8001 + round);
            out.writeChar('\u20ac' + round);
            out.writeInt(0x80000001 + round);
            out.writeLong(0x8000000000000001L + round);
            out.writeFloat(1.5f + round);
            out.writeDouble(-2.25 + round);
            out.writeBytes("bytes\u0101");
            out.writeChars("chars\u20ac");
            for (String t : TEXTS) {
                out.writeUTF(t);
            }
        }
    }

    @Test
    void everyValueIsWrittenAsDataOutputStreamWritesItAndReadBackAsDataInputStreamReadsIt() throws IOException {
        ByteArrayOutputStream reference = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(reference)) {
            writeAll(d);
        }
        for (int capacity : new int[] {16, 17, 64, 1 << 16}) {
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            try (BufferedDataOutput out = new BufferedDataOutput(ours, capacity)) {
                writeAll(out);
            }
            assertThat(ours.toByteArray()).as("bytes with a buffer of %d", capacity)
                    .isEqualTo(reference.toByteArray());

            DataInputStream expected = new DataInputStream(new ByteArrayInputStream(reference.toByteArray()));
            try (BufferedDataInput in = new BufferedDataInput(new ByteArrayInputStream(ours.toByteArray()),
                    capacity)) {
                for (int round = 0; round < 5; round++) {
                    assertThat(in.read()).isEqualTo(expected.read());
                    byte[] three = new byte[3];
                    in.readFully(three);
                    assertThat(three).containsExactly(1, 2, 3).isEqualTo(expected.readNBytes(3));
                    assertThat(in.skipBytes(40 + round)).isEqualTo(expected.skipBytes(40 + round))
                            .isEqualTo(40 + round);
                    assertThat(in.readBoolean()).isEqualTo(expected.readBoolean());
                    assertThat(in.readByte()).isEqualTo(expected.readByte());
                    assertThat(in.readUnsignedShort()).isEqualTo(expected.readUnsignedShort());
                    assertThat(in.readChar()).isEqualTo(expected.readChar());
                    assertThat(in.readInt()).isEqualTo(expected.readInt());
                    assertThat(in.readLong()).isEqualTo(expected.readLong());
                    assertThat(in.readFloat()).isEqualTo(expected.readFloat());
                    assertThat(in.readDouble()).isEqualTo(expected.readDouble());
                    byte[] bytes = new byte[6];
                    in.readFully(bytes);
                    assertThat(bytes).isEqualTo(expected.readNBytes(6));
                    for (int i = 0; i < 6; i++) {
                        assertThat(in.readChar()).isEqualTo(expected.readChar());
                    }
                    for (String t : TEXTS) {
                        assertThat(in.readUTF()).isEqualTo(expected.readUTF()).isEqualTo(t);
                    }
                }
                assertThat(in.read()).as("the end").isEqualTo(-1);
                assertThatThrownBy(in::readInt).isInstanceOf(EOFException.class);
            }
        }
    }

    @Test
    void aTextTooLongForModifiedUtf8IsRefusedAsDataOutputStreamRefusesIt() {
        String text = "\u20ac".repeat(21_846); // 65,538 bytes
        assertThatThrownBy(() -> new DataOutputStream(new ByteArrayOutputStream()).writeUTF(text))
                .isInstanceOf(UTFDataFormatException.class);
        assertThatThrownBy(() -> new BufferedDataOutput(new ByteArrayOutputStream(), 64).writeUTF(text))
                .isInstanceOf(UTFDataFormatException.class);
    }

    @Test
    void anInputCutInsideAValueEndsWithEofExceptionAndLinesReadAsDataInputStreamReadsThem() throws IOException {
        try (BufferedDataInput in = new BufferedDataInput(new ByteArrayInputStream(new byte[] {1, 2, 3}), 16)) {
            assertThatThrownBy(in::readInt).isInstanceOf(EOFException.class);
        }
        try (BufferedDataInput in = new BufferedDataInput(new ByteArrayInputStream(new byte[] {1, 2}), 16)) {
            assertThatThrownBy(() -> in.readFully(new byte[3])).isInstanceOf(EOFException.class);
        }
        byte[] lines = "one\r\ntwo\rthree\nfour".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        try (BufferedDataInput in = new BufferedDataInput(new ByteArrayInputStream(lines), 16)) {
            assertThat(List.of(in.readLine(), in.readLine(), in.readLine(), in.readLine()))
                    .containsExactly("one", "two", "three", "four");
            assertThat(in.readLine()).isNull();
        }
    }
}
