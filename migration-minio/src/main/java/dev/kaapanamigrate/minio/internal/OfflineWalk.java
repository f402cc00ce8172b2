package dev.kaapanamigrate.minio.internal;

import dev.kaapanamigrate.core.SetDigest;
import dev.kaapanamigrate.core.RecordFile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.core.CrashPoints;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.minio.MinioErrorCode;
import dev.kaapanamigrate.minio.OfflineInventory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Walks MinIO's single-drive data folder: every top-level folder but {@code .minio.sys} is a bucket; a folder holding
 * {@code xl.meta} is an object whose key is the folder's path below the bucket (a name ending in {@code __XLDIR__} is a
 * key ending in {@code /}); its sub-folders are data parts, not keys. Every file outside {@code .minio.sys} is listed
 * with its size and modification time (and, on request, its content's SHA-256). Streaming; sorted listing files.
 */
public final class OfflineWalk {

    /** MinIO's metadata folder. */
    public static final String META = ".minio.sys";
    /** The file that makes a folder an object. */
    public static final String XL_META = "xl.meta";
    private static final String DIR_SUFFIX = "__XLDIR__";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OfflineWalk() {
    }

    /**
     * Checks that the folder is a MinIO single-drive data folder and returns its layout name.
     *
     * @param minioDir the data folder (SLOW_DATA_DIR/minio)
     * @return the format, {@code xl-single} or {@code xl}
     * @throws MigrationException with {@link MinioErrorCode#DATA_FOLDER_INVALID} otherwise
     */
    public static String format(Path minioDir) {
        if (!Files.isDirectory(minioDir)) {
            throw invalid(minioDir, Files.exists(minioDir) ? "is not a folder" : "does not exist");
        }
        Path formatJson = minioDir.resolve(META).resolve("format.json");
        if (!Files.isRegularFile(formatJson)) {
            throw invalid(minioDir, "has no " + META + "/format.json, so it is not a MinIO data folder");
        }
        String format;
        try {
            JsonNode node = JSON.readTree(formatJson.toFile());
            format = node.path("format").asText("");
        } catch (IOException e) {
            throw invalid(minioDir, "has an unreadable " + META + "/format.json (" + e.getMessage() + ")");
        }
        if (!format.equals("xl-single") && !format.equals("xl")) {
            throw invalid(minioDir, "is in MinIO's '" + format + "' layout");
        }
        return format;
    }

    private static MigrationException invalid(Path dir, String what) {
        return new MigrationException(Problem.of(MinioErrorCode.DATA_FOLDER_INVALID, "the MinIO data folder " + dir + " "
                + what, "a MinIO data folder in the single-drive layout (xl-single) with " + META + "/format.json",
                "give SLOW_DATA_DIR, the folder that holds minio/ (MinIO RELEASE.2024-11-07, which Kaapana 0.4 and 0.5 "
                        + "run, keeps its data there in that layout)"), null);
    }

    /**
     * Walks the folder into listing files under {@code out}: {@code <bucket>.keys.gz} per bucket and {@code files.gz}.
     *
     * @param minioDir      the data folder
     * @param out           the directory for the listings (created)
     * @param contentDigest whether to read every file for its SHA-256
     * @param sortBudget    the in-memory sort budget
     * @param at            when the walk finished (the caller's clock)
     * @return the inventory
     * @throws IOException when the folder cannot be read or the listings not written
     */
    public static OfflineInventory walk(Path minioDir, Path out, boolean contentDigest, long sortBudget,
                                        java.util.function.Supplier<Instant> at) throws IOException {
        String format = format(minioDir);
        Files.createDirectories(out);
        List<String> bucketNames = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(minioDir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.equals(META) && !name.startsWith(".") && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    bucketNames.add(name);
                }
            }
        }
        bucketNames.sort(Utf8Order.INSTANCE);
        SetDigest filesDigest = new SetDigest();
        long[] fileBytes = {0};
        Path filesListing = out.resolve("files.lst");
        List<OfflineInventory.OfflineBucket> buckets = new ArrayList<>();
        RecordFile.SortingWriter<ListingFile.Entry> files = ListingFile.sorted(filesListing, sortBudget / 2);
        try {
            MessageDigest sha = contentDigest ? sha256() : null;
            // Top-level files (not buckets), outside the metadata folder.
            try (var entries = Files.newDirectoryStream(minioDir)) {
                for (Path p : entries) {
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                                java.nio.file.LinkOption.NOFOLLOW_LINKS);
                        addFile(files, filesDigest, fileBytes, p.getFileName().toString(), p, a, sha);
                    }
                }
            }
            for (String bucket : bucketNames) {
                Path bucketDir = minioDir.resolve(bucket);
                Path keysFile = out.resolve(bucket + ".keys.lst");
                SetDigest keys = new SetDigest();
                RecordFile.SortingWriter<ListingFile.Entry> keyWriter = ListingFile.sorted(keysFile, sortBudget / 2);
                try {
                    Files.walkFileTree(bucketDir, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                            if (!attrs.isRegularFile()) {
                                return FileVisitResult.CONTINUE;
                            }
                            String rel = relative(minioDir, file);
                            addFile(files, filesDigest, fileBytes, rel, file, attrs, sha);
                            if (file.getFileName().toString().equals(XL_META) && !file.getParent().equals(bucketDir)) {
                                String key = keyOf(bucketDir, file.getParent());
                                keyWriter.add(new ListingFile.Entry(key, -1, null));
                                keys.add(key);
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
                    keyWriter.finish();
                } finally {
                    keyWriter.close(); // removes an unfinished listing
                }
                buckets.add(new OfflineInventory.OfflineBucket(bucket, keys.count(), keys.hex(),
                        keysFile.toAbsolutePath().toString()));
                CrashPoints.reach("minio.offline-inventory:walked", bucket);
            }
            files.finish();
        } finally {
            files.close(); // removes an unfinished listing
        }
        return new OfflineInventory(minioDir.toAbsolutePath().toString(), at.get(), format, buckets,
                filesDigest.count(), fileBytes[0], filesDigest.hex(), filesListing.toAbsolutePath().toString(),
                contentDigest);
    }

    private static void addFile(RecordFile.SortingWriter<ListingFile.Entry> files, SetDigest digest, long[] bytes, String rel, Path file,
                                BasicFileAttributes attrs, MessageDigest sha) throws IOException {
        String tag = Long.toString(attrs.lastModifiedTime().toMillis());
        if (sha != null) {
            sha.reset();
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    sha.update(buf, 0, n);
                }
            }
            tag = tag + ":" + HexFormat.of().formatHex(sha.digest());
        }
        files.add(new ListingFile.Entry(rel, attrs.size(), tag));
        digest.add(rel, Long.toString(attrs.size()), tag);
        bytes[0] += attrs.size();
    }

    private static String relative(Path base, Path p) {
        return base.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    private static String keyOf(Path bucketDir, Path objectDir) {
        String key = relative(bucketDir, objectDir);
        return key.endsWith(DIR_SUFFIX) ? key.substring(0, key.length() - DIR_SUFFIX.length()) + "/" : key;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
