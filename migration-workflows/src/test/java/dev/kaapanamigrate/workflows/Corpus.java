package dev.kaapanamigrate.workflows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The test corpus ({@code src/test/resources/corpus/workflows}): realistic DAGs, operators and scripts written for
 * these tests, each expected finding marked on its line with {@code # expect: <rule>=<rewrite|manual>[, ...]}.
 */
final class Corpus {

    private static final Pattern EXPECT = Pattern.compile("#\\s*expect:\\s*(.+)$");

    private Corpus() {
    }

    static Path resource(String name) {
        try {
            return Path.of(Corpus.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " is missing", e);
        }
    }

    /** Copies the corpus to {@code fast/workflows} and returns {@code fast}. */
    static Path install(Path fast) {
        copyTree(resource("corpus/workflows"), fast.resolve("workflows"));
        return fast;
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Expected findings as {@code rel:line:rule=rewrite|manual}, sorted, from the markers under {@code root}. */
    static List<String> expected(Path root, String... excludedPrefixes) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".py"))::iterator) {
                String rel = root.relativize(p).toString();
                if (Stream.of(excludedPrefixes).anyMatch(rel::startsWith)) {
                    continue;
                }
                String[] lines = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    Matcher m = EXPECT.matcher(lines[i].stripTrailing());
                    if (m.find()) {
                        for (String e : m.group(1).split(",")) {
                            out.add(rel + ":" + (i + 1) + ":" + e.strip());
                        }
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Findings in the same form as {@link #expected}. */
    static List<String> actual(ScanReport report) {
        List<String> out = new ArrayList<>();
        for (Finding f : report.findings()) {
            out.add(f.file() + ":" + f.line() + ":" + f.ruleId() + "=" + (f.mechanical() ? "rewrite" : "manual"));
        }
        out.sort(null);
        return out;
    }

    /** Every file's SHA-256 and every folder, by relative path (symbolic links by target). */
    static TreeMap<String, String> digest(Path root) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                out.put(root.relativize(dir) + "/", "dir");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String key = root.relativize(file).toString();
                if (attrs.isSymbolicLink()) {
                    out.put(key, "-> " + Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    out.put(key, sha256(Files.readAllBytes(file)) + " " + Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS));
                } else {
                    out.put(key, "special");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
