package dev.kaapanamigrate.kaapana.internal;

import dev.kaapanamigrate.core.Directories;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans file trees: every entry with its attributes, directories before their content and names in byte order, links
 * never followed, later names of hard-linked files marked as such, allocated blocks read with {@code find -printf %b}
 * (Java's file API does not show {@code st_blocks}) so that sparse files are known.
 */
public final class Trees {

    private static final Logger LOG = LoggerFactory.getLogger(Trees.class);

    private Trees() {
    }

    /**
     * Scans top-level entries of a root.
     *
     * @param root    the root (FAST_DATA_DIR, or a backup folder)
     * @param units   the top-level names to scan; missing ones are left out
     * @param exclude relative paths to leave out with everything below them
     * @return the nodes, in order
     * @throws IOException when something cannot be read
     */
    public static List<TreeNode> scan(Path root, List<String> units, Predicate<String> exclude) throws IOException {
        List<TreeNode> out = new ArrayList<>();
        for (String unit : units) {
            Path p = root.resolve(unit);
            if (Durable.exists(p) && !exclude.test(unit)) {
                walk(unit, p, exclude, out);
            }
        }
        Map<String, Long> blocks = blocks(root, units.stream().map(root::resolve).filter(Durable::exists).toList());
        Map<Object, String> firstNames = new HashMap<>();
        List<TreeNode> resolved = new ArrayList<>(out.size());
        for (TreeNode n : out) {
            if (n.kind() == ManifestEntry.Kind.FILE) {
                Long b = blocks.get(n.absolute().toString());
                n = b == null ? n : n.withBlocks(b);
                if (n.nlink() > 1) {
                    String first = firstNames.putIfAbsent(n.fileKey(), n.path());
                    if (first != null) {
                        n = n.asHardLinkTo(first);
                    }
                }
            }
            resolved.add(n);
        }
        return resolved;
    }

    /**
     * Deletes a tree; links are deleted, never followed.
     *
     * @param root the file or folder
     * @throws IOException when something cannot be deleted
     */
    public static void delete(Path root) throws IOException {
        try {
            Directories.deleteTree(root);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Deletes a tree, logging a warning instead of failing.
     *
     * @param root the file or folder
     * @return {@code true} when nothing is left
     */
    public static boolean deleteQuietly(Path root) {
        return Directories.deleteTreeQuietly(root);
    }

    private static void walk(String rel, Path abs, Predicate<String> exclude, List<TreeNode> out) throws IOException {
        TreeNode node = TreeNode.stat(rel, abs);
        out.add(node);
        if (node.kind() != ManifestEntry.Kind.DIRECTORY) {
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(abs)) {
            ds.forEach(children::add);
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path c : children) {
            String childRel = rel + "/" + c.getFileName();
            if (!exclude.test(childRel)) {
                walk(childRel, c, exclude, out);
            }
        }
    }

    /**
     * The allocated 512-byte blocks of every regular file below the given roots, from one {@code find} run.
     *
     * @param cwd   where find runs
     * @param roots the roots
     * @return absolute path → blocks; empty when find is missing or fails (sparse files are then copied dense)
     */
    public static Map<String, Long> blocks(Path cwd, List<Path> roots) {
        Map<String, Long> out = new HashMap<>();
        if (roots.isEmpty()) {
            return out;
        }
        Optional<Path> find = CommandRunner.find("find", "/usr/bin:/bin");
        if (find.isEmpty()) {
            LOG.warn("find is missing: sparse files are not recognised and are copied in full");
            return out;
        }
        List<String> command = new ArrayList<>(List.of(find.get().toString()));
        roots.forEach(r -> command.add(r.toAbsolutePath().toString()));
        command.addAll(List.of("-type", "f", "-printf", "%b %p\\0"));
        try {
            CommandRunner.Result r = CommandRunner.run(command, Map.of(), cwd, Duration.ofHours(2), false,
                    Integer.MAX_VALUE - 16, Clock.systemUTC());
            if (!r.succeeded()) {
                LOG.warn("find failed ({}): sparse files are copied in full", CommandRunner.tail(r.stderr(), 3));
                return out;
            }
            // The output was decoded as UTF-8; re-encode with the charset Java uses for file names when they differ.
            String text = r.stdout();
            Charset jnu = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
            if (!jnu.equals(java.nio.charset.StandardCharsets.UTF_8)) {
                text = new String(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), jnu);
            }
            for (String record : text.split("\0")) {
                int space = record.indexOf(' ');
                if (space > 0) {
                    out.put(record.substring(space + 1), Long.parseLong(record.substring(0, space)));
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warn("find failed ({}): sparse files are copied in full", e.toString());
        }
        return out;
    }
}
