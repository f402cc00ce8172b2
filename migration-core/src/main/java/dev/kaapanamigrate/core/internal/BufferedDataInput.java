package dev.kaapanamigrate.core.internal;

import java.io.Closeable;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A {@link DataInput} with its own buffer, reading what {@code DataOutputStream} (or {@link BufferedDataOutput}) wrote,
 * as {@code DataInputStream} over a {@code BufferedInputStream} does. Not thread-safe: a listing file is read by one
 * thread, and the JDK's streams take a lock on every byte and field. The end of the input within a value throws
 * {@link EOFException}. Closing closes the stream read from.
 */
public final class BufferedDataInput implements DataInput, Closeable {

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;

    /**
     * Reads through a buffer.
     *
     * @param in       where the bytes come from
     * @param capacity the buffer's size, at least 16 bytes
     */
    public BufferedDataInput(InputStream in, int capacity) {
        this.in = in;
        this.buf = new byte[Math.max(16, capacity)];
    }

    /** Whether a byte is buffered after refilling if needed; {@code false} at the end of the input. */
    private boolean fill() throws IOException {
        if (pos < limit) {
            return true;
        }
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        pos = 0;
        limit = Math.max(0, n);
        return n > 0;
    }

    /**
     * The next byte, or -1 at the end of the input.
     *
     * @return the byte (0 to 255) or -1
     * @throws IOException when reading fails
     */
    public int read() throws IOException {
        return fill() ? buf[pos++] & 0xFF : -1;
    }

    @Override
    public void readFully(byte[] b) throws IOException {
        readFully(b, 0, b.length);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            if (!fill()) {
                throw new EOFException("the input ends " + (len - done) + " bytes early");
            }
            int n = Math.min(len - done, limit - pos);
            System.arraycopy(buf, pos, b, off + done, n);
            pos += n;
            done += n;
        }
    }

    @Override
    public int skipBytes(int n) throws IOException {
        int skipped = 0;
        while (skipped < n && fill()) {
            int k = Math.min(n - skipped, limit - pos);
            pos += k;
            skipped += k;
        }
        return skipped;
    }

    @Override
    public boolean readBoolean() throws IOException {
        return readUnsignedByte() != 0;
    }

    @Override
    public byte readByte() throws IOException {
        return (byte) readUnsignedByte();
    }

    @Override
    public int readUnsignedByte() throws IOException {
        if (!fill()) {
            throw new EOFException();
        }
        return buf[pos++] & 0xFF;
    }

    /** The next {@code n} bytes (at most 8) as a big-endian number. */
    private long bigEndian(int n) throws IOException {
        long v = 0;
        if (limit - pos >= n) {
            for (int i = 0; i < n; i++) {
                v = v << 8 | buf[pos++] & 0xFF;
            }
            return v;
        }
        for (int i = 0; i < n; i++) {
            v = v << 8 | readUnsignedByte();
        }
        return v;
    }

    @Override
    public short readShort() throws IOException {
        return (short) bigEndian(2);
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return (int) bigEndian(2);
    }

    @Override
    public char readChar() throws IOException {
        return (char) bigEndian(2);
    }

    @Override
    public int readInt() throws IOException {
        return (int) bigEndian(4);
    }

    @Override
    public long readLong() throws IOException {
        return bigEndian(8);
    }

    @Override
    public float readFloat() throws IOException {
        return Float.intBitsToFloat(readInt());
    }

    @Override
    public double readDouble() throws IOException {
        return Double.longBitsToDouble(readLong());
    }

    /** A line of bytes as Latin-1 characters, as {@code DataInputStream.readLine} reads it. */
    @Override
    public String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c = read();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n') {
            if (c == '\r') {
                if (fill() && buf[pos] == '\n') {
                    pos++;
                }
                break;
            }
            line.append((char) c);
            c = read();
        }
        return line.toString();
    }

    /** Modified UTF-8 with a two-byte length, decoded by {@link DataInputStream#readUTF(DataInput)}. */
    @Override
    public String readUTF() throws IOException {
        return DataInputStream.readUTF(this);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
