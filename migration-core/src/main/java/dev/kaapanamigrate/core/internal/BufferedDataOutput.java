package dev.kaapanamigrate.core.internal;

import java.io.Closeable;
import java.io.DataOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UTFDataFormatException;

/**
 * A {@link DataOutput} with its own buffer, writing the same bytes as {@code DataOutputStream} over a
 * {@code BufferedOutputStream}. Not thread-safe: a listing file is written by one thread, and the JDK's streams take a
 * lock on every byte and field, which was a large part of writing and merging sorted runs. Closing flushes and closes
 * the stream written to.
 */
public final class BufferedDataOutput implements DataOutput, Closeable {

    private final OutputStream out;
    private final byte[] buf;
    private int size;

    /**
     * Writes through a buffer.
     *
     * @param out      where the bytes go
     * @param capacity the buffer's size, at least 16 bytes
     */
    public BufferedDataOutput(OutputStream out, int capacity) {
        this.out = out;
        this.buf = new byte[Math.max(16, capacity)];
    }

    /** Room for {@code n} more bytes, where {@code n} is at most 8 (a primitive). */
    private void room(int n) throws IOException {
        if (size + n > buf.length) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        if (size > 0) {
            out.write(buf, 0, size);
            size = 0;
        }
    }

    @Override
    public void write(int b) throws IOException {
        room(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - size) {
            flushBuffer();
            if (len >= buf.length) {
                out.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    @Override
    public void writeBoolean(boolean v) throws IOException {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) throws IOException {
        write(v);
    }

    @Override
    public void writeShort(int v) throws IOException {
        bigEndian(v, 2);
    }

    @Override
    public void writeChar(int v) throws IOException {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) throws IOException {
        bigEndian(v, 4);
    }

    @Override
    public void writeLong(long v) throws IOException {
        bigEndian(v, 8);
    }

    /** The low {@code n} bytes (at most 8) of a number, the highest first. */
    private void bigEndian(long v, int n) throws IOException {
        room(n);
        for (int shift = 8 * (n - 1); shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
    }

    @Override
    public void writeFloat(float v) throws IOException {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) throws IOException {
        writeLong(Double.doubleToLongBits(v));
    }

    @Override
    public void writeBytes(String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            write(s.charAt(i));
        }
    }

    @Override
    public void writeChars(String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    /** Modified UTF-8 with a two-byte length, as {@code DataOutputStream.writeUTF}. */
    @Override
    public void writeUTF(String s) throws IOException {
        int length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            length += c >= 1 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        if (length > 0xFFFF) {
            throw new UTFDataFormatException("a string of " + length + " bytes in modified UTF-8, at most 65535 fit");
        }
        writeShort(length);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 1 && c < 0x80) {
                write(c);
            } else if (c < 0x800) {
                write(0xC0 | c >> 6);
                write(0x80 | c & 0x3F);
            } else {
                write(0xE0 | c >> 12);
                write(0x80 | c >> 6 & 0x3F);
                write(0x80 | c & 0x3F);
            }
        }
    }

    /**
     * Writes the buffer out and flushes the stream.
     *
     * @throws IOException when writing fails
     */
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    /** Writes the buffer out and closes the stream (also when writing fails). */
    @Override
    public void close() throws IOException {
        try {
            flushBuffer();
        } finally {
            out.close();
        }
    }
}
