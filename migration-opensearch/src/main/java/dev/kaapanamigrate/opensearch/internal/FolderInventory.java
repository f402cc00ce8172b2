package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.SetDigest;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The files of a folder (OpenSearch's data folder) as lines {@code relative path TAB size TAB mtime millis TAB sha-256
 * or -}, sorted by path, gzip; and the comparison of the folder with such a listing. Symbolic links are listed, not
 * followed (their target as the "digest"). The paths of a folder are sorted in memory (a data folder holds thousands of
 * files, not millions).
 */
public final class FolderInventory {

    private FolderInventory() {
    }

    /**
     * A summary of a listing.
     *
     * @param files  files listed
     * @param bytes  their total size
     * @param digest the order-independent digest of the lines
     */
    public record Summary(long files, long bytes, String digest) {
    }

    /**
     * Lists a folder into a file.
     *
     * @param root    the folder
     * @param listing the listing file (replaced)
     * @param digests whether to hash every file's content
     * @return the summary
     * @throws IOException when the folder cannot be read
     */
    public static Summary write(Path root, Path listing, boolean digests) throws IOException {
        SetDigest d = new SetDigest();
        long bytes = 0;
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(
                Files.newOutputStream(listing)), StandardCharsets.UTF_8))) {
            for (String rel : paths(root)) {
                String line = line(root, rel, digests);
                w.write(line);
                w.write('\n');
                d.add(line);
                bytes += Long.parseLong(line.split("\t")[1]);
            }
        }
        return new Summary(d.count(), bytes, d.hex());
    }

    /**
     * Compares a folder with a listing.
     *
     * @param root    the folder
     * @param listing the listing written earlier
     * @param digests whether the listing holds content digests
     * @param limit   how many paths to name per kind
     * @return missing, changed and added files
     * @throws IOException when the folder or listing cannot be read
     */
    public static ListingCompare.Differences compare(Path root, Path listing, boolean digests, int limit)
            throws IOException {
        List<String> now = paths(root);
        Kind missing = new Kind(limit);
        Kind changed = new Kind(limit);
        Kind added = new Kind(limit);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(listing));
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String was = r.readLine();
            int i = 0;
            while (was != null || i < now.size()) {
                String wasPath = was == null ? null : was.substring(0, was.indexOf('\t'));
                String isPath = i < now.size() ? now.get(i) : null;
                int cmp = wasPath == null ? 1 : isPath == null ? -1 : wasPath.compareTo(isPath);
                if (cmp < 0) {
                    missing.add(wasPath);
                    was = r.readLine();
                } else if (cmp > 0) {
                    added.add(isPath);
                    i++;
                } else {
                    if (!was.equals(line(root, isPath, digests))) {
                        changed.add(isPath);
                    }
                    was = r.readLine();
                    i++;
                }
            }
        }
        return new ListingCompare.Differences(missing.found(), changed.found(), added.found());
    }

    private static final class Kind {
        final int limit;
        long count;
        final List<String> first = new ArrayList<>();

        Kind(int limit) {
            this.limit = limit;
        }

        void add(String path) {
            count++;
            if (first.size() < limit) {
                first.add(path);
            }
        }

        ListingCompare.Found found() {
            return new ListingCompare.Found(count, List.copyOf(first));
        }
    }

    private static List<String> paths(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .forEach(p -> out.add(root.relativize(p).toString()));
        }
        out.sort(null);
        return out;
    }

    private static String line(Path root, String rel, boolean digests) throws IOException {
        Path p = root.resolve(rel);
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String digest = "-";
        if (a.isSymbolicLink()) {
            digest = "link:" + Files.readSymbolicLink(p);
        } else if (digests) {
            digest = sha256(p);
        }
        return rel + "\t" + a.size() + "\t" + a.lastModifiedTime().toMillis() + "\t" + digest;
    }

    private static String sha256(Path p) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            try (InputStream in = Files.newInputStream(p)) {
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    sha.update(buf, 0, n);
                }
            }
            return SetDigest.hex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
