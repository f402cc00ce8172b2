package dev.kaapanamigrate.kaapana;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A FAST_DATA_DIR for backup tests, written with real owners (uid 70 like Kaapana's PostgreSQL folders, 1023 for
 * dcm4che), modes (0700, setgid, read-only folders), times with nanoseconds, relative, absolute and dangling symbolic
 * links, hard links (also across two folders), a sparse file, a large file, empty files and folders, a FIFO, plus the
 * folders the database backup leaves out and a state directory. And a digest of a tree that covers all of it.
 */
final class FastFixture {

    static final List<String> DATABASE_UNITS = List.of("postgres-access-information-point",
            "dicom-project-mapping-postgres", "postgres-airflow", "postgres-backend", "keycloak", "postgres-dcm4che",
            "version");
    static final String SPARSE = "postgres-airflow/base/5/16384_sparse";
    static final long SPARSE_SIZE = 64L << 20;

    private FastFixture() {
    }

    static Path create(Path fast) throws Exception {
        Files.createDirectories(fast);
        SplittableRandom random = new SplittableRandom(17);
        Instant old = Instant.parse("2024-03-01T10:15:30.123456789Z");
        database(fast.resolve("postgres-access-information-point"), random, 70, old);
        database(fast.resolve("dicom-project-mapping-postgres"), random, 70, old);
        database(fast.resolve("postgres-airflow"), random, 70, old);
        Path sparse = fast.resolve(SPARSE);
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.seek(4096);
            f.write(bytes(random, 8192));
            f.seek(32L << 20);
            f.write(bytes(random, 4096));
            f.setLength(SPARSE_SIZE);
        }
        own(sparse, 70, 0600, old);
        Path backend = fast.resolve("postgres-backend");
        database(backend, random, 70, old);
        Files.write(backend.resolve("pg_wal/000000010000000000000001"), bytes(random, 16 << 20));
        own(backend.resolve("pg_wal/000000010000000000000001"), 70, 0600, old.plusSeconds(5));
        Files.createSymbolicLink(backend.resolve("wal_link"), Path.of("pg_wal"));
        Files.createSymbolicLink(backend.resolve("absolute_link"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(backend.resolve("dangling_link"), Path.of("no/such/file"));
        chownLink(backend.resolve("wal_link"), 70);
        Files.write(backend.resolve("base/1/2600"), bytes(random, 40_000));
        own(backend.resolve("base/1/2600"), 70, 0600, old);
        Files.createLink(backend.resolve("base/1/2600.hardlink"), backend.resolve("base/1/2600"));
        Files.createFile(backend.resolve("empty"));
        own(backend.resolve("empty"), 70, 0640, old.plusNanos(1));
        Files.createDirectories(backend.resolve("pg_replslot"));
        own(backend.resolve("pg_replslot"), 70, 0700, old);
        Path readOnly = Files.createDirectories(backend.resolve("readonly"));
        Files.writeString(readOnly.resolve("inside"), "held by a read-only folder");
        own(readOnly.resolve("inside"), 70, 0400, old);
        own(readOnly, 70, 0500, old);
        Path setgid = Files.createDirectories(backend.resolve("shared"));
        Files.writeString(setgid.resolve("script.sh"), "#!/bin/sh\necho hi\n");
        own(setgid.resolve("script.sh"), 70, 04755, old);
        own(setgid, 70, 02750, old);
        run("mkfifo", backend.resolve("fifo").toString());
        own(backend, 70, 0700, old);

        Path keycloak = Files.createDirectories(fast.resolve("keycloak"));
        database(keycloak.resolve("db-files"), random, 70, old);
        Files.writeString(keycloak.resolve("themes-note.txt"), "kept beside db-files");
        own(keycloak.resolve("themes-note.txt"), 0, 0644, old);
        own(keycloak, 0, 0755, old);

        Path dcm4che = Files.createDirectories(fast.resolve("postgres-dcm4che"));
        database(dcm4che, random, 1023, old);
        Files.createLink(dcm4che.resolve("linked-from-backend"), backend.resolve("base/1/2600"));
        own(dcm4che, 1023, 0700, old);

        for (String other : List.of("os/data/nodes/0/index", "os/security-backup", "alembic/versions",
                "workflows/dags", "extensions")) {
            Path d = Files.createDirectories(fast.resolve(other));
            Files.write(d.resolve("file.bin"), bytes(random, 3000));
        }
        Files.writeString(fast.resolve("extensions/kaapana-platform-chart-0.4.2.tgz"), "chart");
        Path state = Files.createDirectories(fast.resolve(".kaapana-migrate"));
        Files.writeString(state.resolve("journal.jsonl"), "{\"type\":\"RUN_STARTED\"}\n");
        return fast;
    }

    /** A small PostgreSQL-like data folder. */
    private static void database(Path dir, SplittableRandom random, int uid, Instant time) throws Exception {
        Files.createDirectories(dir.resolve("base/1"));
        Files.createDirectories(dir.resolve("base/5"));
        Files.createDirectories(dir.resolve("global"));
        Files.createDirectories(dir.resolve("pg_wal"));
        Files.writeString(dir.resolve("PG_VERSION"), "17\n");
        Files.write(dir.resolve("global/pg_control"), bytes(random, 8192));
        for (int i = 0; i < 20; i++) {
            Files.write(dir.resolve("base/1/" + (1247 + i)), bytes(random, 8192 * (1 + i % 4)));
        }
        Files.writeString(dir.resolve("postgresql.conf"), "listen_addresses = '*'\n");
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                own(p, uid, Files.isDirectory(p) ? 0700 : 0600, time.plusMillis(p.toString().length()));
            }
        }
    }

    static byte[] bytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static void own(Path p, int uid, int mode, Instant mtime) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:mode", mode);
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(mtime), null, null);
    }

    private static void chownLink(Path link, int uid) throws IOException {
        Files.setAttribute(link, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(link, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** st_blocks of a file ({@code stat -c %b}). */
    static long blocks(Path file) throws Exception {
        return Long.parseLong(run("stat", "-c", "%b", file.toString()).strip());
    }

    /**
     * Everything a backup must keep, one line per entry below the given top-level names: path, type and mode, owner,
     * group, modification time, size, content digest, link text, hard-link group (named by its first path in byte
     * order), and for sparse files that they are sparse. Special files (the FIFO) are left out: a backup lists them but
     * cannot copy them. Two trees with equal digests are byte-identical with the same attributes.
     */
    static List<String> digest(Path root, List<String> units) throws Exception {
        List<Path> paths = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (String unit : units) {
            Path start = root.resolve(unit);
            if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
                out.add(unit + " absent");
                continue;
            }
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    paths.add(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!attrs.isOther()) {
                        paths.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        Map<String, Long> blocks = blocksBelow(root, units);
        Map<Object, String> groups = new HashMap<>();
        for (Path p : paths) {
            Map<String, Object> a = Files.readAttributes(p, "unix:nlink,ino,dev", LinkOption.NOFOLLOW_LINKS);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && (Integer) a.get("nlink") > 1) {
                groups.merge(a.get("dev") + ":" + a.get("ino"), root.relativize(p).toString(),
                        (x, y) -> x.compareTo(y) <= 0 ? x : y);
            }
        }
        for (Path p : paths) {
            out.add(line(root, p, groups, blocks));
        }
        out.sort(String::compareTo);
        return out;
    }

    private static Map<String, Long> blocksBelow(Path root, List<String> units) throws Exception {
        List<String> command = new ArrayList<>(List.of("find"));
        for (String u : units) {
            if (Files.exists(root.resolve(u), LinkOption.NOFOLLOW_LINKS)) {
                command.add(root.resolve(u).toString());
            }
        }
        Map<String, Long> out = new HashMap<>();
        if (command.size() == 1) {
            return out;
        }
        command.addAll(List.of("-type", "f", "-printf", "%b %p\\n"));
        for (String l : run(command.toArray(String[]::new)).split("\n")) {
            int space = l.indexOf(' ');
            if (space > 0) {
                out.put(l.substring(space + 1), Long.parseLong(l.substring(0, space)));
            }
        }
        return out;
    }

    private static String line(Path root, Path p, Map<Object, String> groups, Map<String, Long> blocks)
            throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,ino,dev,nlink",
                LinkOption.NOFOLLOW_LINKS);
        String rel = root.relativize(p).toString();
        int mode = (Integer) a.get("mode");
        StringBuilder s = new StringBuilder(rel).append(' ').append(Integer.toOctalString(mode)).append(' ')
                .append(a.get("uid")).append(':').append(a.get("gid"));
        if (Files.isSymbolicLink(p)) {
            s.append(" -> ").append(Files.readSymbolicLink(p));
            return s.toString();
        }
        s.append(" mtime=").append(a.get("lastModifiedTime"));
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            long size = (Long) a.get("size");
            s.append(" size=").append(size).append(" sha256=").append(sha256(p));
            String group = groups.get(a.get("dev") + ":" + a.get("ino"));
            if (group != null) {
                s.append(" linkgroup=").append(group);
            }
            Long b = blocks.get(p.toString());
            if (b != null && b * 512 < size) {
                s.append(" sparse");
            }
        }
        return s.toString();
    }

    static String sha256(Path p) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (var in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
