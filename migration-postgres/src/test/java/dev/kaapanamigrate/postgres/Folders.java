package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.Directories;
import dev.kaapanamigrate.domain.DataFolderMove;
import dev.kaapanamigrate.testkit.postgres.ClusterSpec;
import dev.kaapanamigrate.testkit.postgres.PostgresCluster;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test helpers: FAST_DATA_DIR layouts from a real initdb data folder, and a digest of a whole tree. */
final class Folders {

    private static Path template;

    private Folders() {
    }

    /** A real PostgreSQL 17.2 data folder, created once per JVM with initdb. */
    static synchronized Path template() throws IOException {
        if (template == null) {
            Path dir = Files.createTempDirectory("kaapana-moves-template");
            // one template per test JVM: removed when the JVM ends, or they pile up in /tmp run after run
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Directories.deleteTreeQuietly(dir)));
            open(dir);
            template = PostgresCluster.create(dir.resolve("data"), ClusterSpec.of("tester", "secret", "tester")).dataDir();
        }
        return template;
    }

    static void open(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** FAST_DATA_DIR under {@code root} with all five data folders at their 0.4 names, plus unrelated folders. */
    static Path fast04(Path root) throws Exception {
        open(root);
        Path fast = root.resolve("fast");
        Files.createDirectories(fast.resolve("os/data"));
        Files.writeString(fast.resolve("os/data/marker.txt"), "stays");
        open(fast);
        List<Path> targets = new ArrayList<>();
        for (DataFolderMove m : DataFolderMove.values()) {
            targets.add(fast.resolve(m.from()));
        }
        copyTemplate(targets.toArray(Path[]::new));
        return fast;
    }

    /**
     * Copies the template data folder with {@code cp -a} (owner, modes kept) to each target, the copies running at
     * once: a copy of its thousand small files is bound by system calls, and the tests make five per case.
     */
    static void copyTemplate(Path... targets) throws Exception {
        String source = template().toString();
        List<Process> copies = new ArrayList<>();
        for (Path to : targets) {
            Files.createDirectories(to.getParent());
            copies.add(new ProcessBuilder("cp", "-a", source, to.toString()).inheritIO().start());
        }
        List<Path> failed = new ArrayList<>();
        for (int i = 0; i < copies.size(); i++) {
            if (copies.get(i).waitFor() != 0) { // every copy ends before the test goes on
                failed.add(targets[i]);
            }
        }
        if (!failed.isEmpty()) {
            throw new IOException("cp -a failed for " + failed);
        }
    }

    /** A digest of every path of the tree: type, size, mode, owner, mtime, and file contents. */
    static String digest(Path root) throws IOException {
        List<Path> paths = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                paths.add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                paths.add(file);
                return FileVisitResult.CONTINUE;
            }
        });
        // read and hashed in parallel: five data folders of ~40 MB per case
        Map<String, String> entries = new TreeMap<>(paths.parallelStream().collect(java.util.stream.Collectors.toMap(
                p -> root.relativize(p).toString(), p -> {
                    try {
                        return describe(p);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })));
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            entries.forEach((k, v) -> md.update((k + "|" + v + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return entries.size() + " entries, sha256 " + HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,ino",
                LinkOption.NOFOLLOW_LINKS);
        String s = a.get("mode") + " " + a.get("uid") + ":" + a.get("gid") + " " + a.get("size") + " "
                + a.get("lastModifiedTime") + " ino " + a.get("ino");
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            s += " " + sha256(Files.readAllBytes(p));
        } else if (Files.isSymbolicLink(p)) {
            s += " -> " + Files.readSymbolicLink(p);
        }
        return s;
    }
}
