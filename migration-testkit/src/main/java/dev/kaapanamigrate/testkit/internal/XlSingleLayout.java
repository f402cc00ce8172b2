package dev.kaapanamigrate.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Writes MinIO's single-drive ("xl-single") layout under SLOW_DATA_DIR/minio for the objects a generated installation
 * uploads: {@code .minio.sys/format.json} ({@code "format": "xl-single"}), one folder per bucket, and per object the
 * folder {@code <bucket>/<key>/} holding {@code xl.meta}; objects of 128 KiB or more also get
 * {@code <data-dir uuid>/part.1} with their bytes, smaller ones are inline as in MinIO.
 *
 * <p>The {@code xl.meta} written here is not MinIO's exact structure: MinIO's magic {@code XL2 } and version (1.3), then
 * a MessagePack map {@code {"Key": str, "Size": uint, "ETag": str, "DataDir": str|nil}}, then the inline data of a
 * small object. Only the layout (which folders hold {@code xl.meta}) is what the offline inventory reads.
 */
public final class XlSingleLayout {

    /** Objects this large or larger get a data part instead of inline data, as in MinIO. */
    public static final int INLINE_LIMIT = 128 * 1024;

    private final Path minioDir;

    /**
     * Starts a layout (writes {@code .minio.sys/format.json}).
     *
     * @param minioDir SLOW_DATA_DIR/minio
     */
    public XlSingleLayout(Path minioDir) {
        this.minioDir = minioDir;
        try {
            Path sys = Files.createDirectories(minioDir.resolve(".minio.sys"));
            String id = UUID.nameUUIDFromBytes(minioDir.toString().getBytes(StandardCharsets.UTF_8)).toString();
            Files.writeString(sys.resolve("format.json"), "{\"version\":\"1\",\"format\":\"xl-single\",\"id\":\"" + id
                    + "\",\"xl\":{\"version\":\"3\",\"this\":\"" + id + "\",\"sets\":[[\"" + id
                    + "\"]],\"distributionAlgo\":\"SIPMOD+PARITY\"}}", StandardCharsets.UTF_8);
            Files.createDirectories(sys.resolve("config"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write MinIO's layout under " + minioDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a bucket's folder.
     *
     * @param bucket the bucket
     */
    public void bucket(String bucket) {
        try {
            Files.createDirectories(minioDir.resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes an object.
     *
     * @param bucket the bucket
     * @param key    the key (a key ending in {@code /} becomes a folder ending in {@code __XLDIR__}, as in MinIO)
     * @param data   the content
     * @param etag   its ETag without quotes
     */
    public void object(String bucket, String key, byte[] data, String etag) {
        String folder = key.endsWith("/") ? key.substring(0, key.length() - 1) + "__XLDIR__" : key;
        Path dir = minioDir.resolve(bucket).resolve(folder);
        try {
            Files.createDirectories(dir);
            String dataDir = null;
            if (data.length >= INLINE_LIMIT) {
                dataDir = UUID.nameUUIDFromBytes((bucket + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
                Path part = Files.createDirectories(dir.resolve(dataDir));
                Files.write(part.resolve("part.1"), data);
            }
            ByteArrayOutputStream meta = new ByteArrayOutputStream(64 + key.length());
            meta.write(new byte[] {'X', 'L', '2', ' ', 1, 0, 3, 0});
            meta.write(0x84); // fixmap of 4
            str(meta, "Key");
            str(meta, key);
            str(meta, "Size");
            meta.write(0xCF); // uint 64
            for (int i = 7; i >= 0; i--) {
                meta.write(i >= 4 ? 0 : (data.length >>> (8 * i)) & 0xFF);
            }
            str(meta, "ETag");
            str(meta, etag);
            str(meta, "DataDir");
            if (dataDir == null) {
                meta.write(0xC0); // nil
                meta.write(data);
            } else {
                str(meta, dataDir);
            }
            Files.write(dir.resolve("xl.meta"), meta.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write object " + bucket + "/" + key + " under " + minioDir + ": "
                    + e.getMessage(), e);
        }
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(0xDA); // str 16
        out.write((b.length >>> 8) & 0xFF);
        out.write(b.length & 0xFF);
        out.write(b, 0, b.length);
    }
}
