package dev.kaapanamigrate.kaapana.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes and reads a backup's manifest ({@code <name>.manifest.json}), its digest in {@code sha256sum} format
 * ({@code <name>.manifest.json.sha256}) and the digests of every file in {@code sha256sum} format
 * ({@code <name>.sha256sums}, paths relative to the target folder), all beside the backup folder. Each is written to a
 * temporary file, flushed and renamed. A manifest whose digest does not match, that is not valid JSON or has another
 * format is refused.
 */
public final class ManifestFiles {

    private static final JsonFactory JSON = new JsonFactory();

    private ManifestFiles() {
    }

    /**
     * The manifest of a backup folder.
     *
     * @param backup the backup folder
     * @return {@code <folder>.manifest.json} beside it
     */
    public static Path manifestOf(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".manifest.json");
    }

    /**
     * The manifest's own digest.
     *
     * @param backup the backup folder
     * @return {@code <folder>.manifest.json.sha256} beside it
     */
    public static Path manifestDigestOf(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".manifest.json.sha256");
    }

    /**
     * The file digests in {@code sha256sum -c} format.
     *
     * @param backup the backup folder
     * @return {@code <folder>.sha256sums} beside it
     */
    public static Path sumsOf(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".sha256sums");
    }

    /**
     * Writes the manifest, its digest and the file digests; the digest last, so a manifest without one was never
     * completed.
     *
     * @param backup   the backup folder the manifest describes (its final name)
     * @param manifest the manifest
     * @return the manifest's SHA-256
     * @throws IOException when writing fails
     */
    public static String write(Path backup, Manifest manifest) throws IOException {
        byte[] json = toJson(manifest);
        String digest = sha256(json);
        String name = backup.getFileName().toString();
        StringBuilder sums = new StringBuilder();
        for (ManifestEntry e : manifest.entries()) {
            if (e.kind() == ManifestEntry.Kind.FILE) {
                sums.append(sumLine(e.sha256(), name + "/" + e.path()));
            }
        }
        Durable.writeAtomically(sumsOf(backup), sums.toString().getBytes(StandardCharsets.UTF_8));
        Durable.writeAtomically(manifestOf(backup), json);
        Durable.writeAtomically(manifestDigestOf(backup),
                sumLine(digest, manifestOf(backup).getFileName().toString()).getBytes(StandardCharsets.UTF_8));
        return digest;
    }

    /**
     * Reads a manifest after checking its digest.
     *
     * @param backup the backup folder
     * @return the manifest and its digest
     * @throws InvalidManifestException when it is missing, differs from its digest, or cannot be read
     */
    public static Read read(Path backup) {
        Path file = manifestOf(backup);
        Path digestFile = manifestDigestOf(backup);
        byte[] json;
        String recorded;
        try {
            if (!Files.isRegularFile(file)) {
                throw new InvalidManifestException(file + " does not exist");
            }
            if (!Files.isRegularFile(digestFile)) {
                throw new InvalidManifestException(digestFile + " does not exist (the manifest was never completed)");
            }
            json = Files.readAllBytes(file);
            String line = Files.readString(digestFile, StandardCharsets.UTF_8).strip();
            recorded = line.split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
        } catch (IOException e) {
            throw new InvalidManifestException("cannot read " + file + ": " + e.getMessage());
        }
        String actual = sha256(json);
        if (!actual.equals(recorded)) {
            throw new InvalidManifestException(file + " has SHA-256 " + actual + " but " + digestFile + " records "
                    + recorded + ": the manifest was changed or damaged");
        }
        try {
            return new Read(parse(json), actual);
        } catch (IOException | RuntimeException e) {
            throw new InvalidManifestException(file + " cannot be read as a manifest: " + e.getMessage());
        }
    }

    /**
     * A manifest read back, with the SHA-256 of its file.
     *
     * @param manifest the manifest
     * @param sha256   the digest of the file
     */
    public record Read(Manifest manifest, String sha256) {
    }

    /** A manifest that cannot be trusted; the message says why. */
    public static final class InvalidManifestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates it.
         *
         * @param message why
         */
        public InvalidManifestException(String message) {
            super(message);
        }
    }

    /**
     * The SHA-256 of bytes.
     *
     * @param bytes the bytes
     * @return lower-case hex
     */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line in {@code sha256sum} format; names with a backslash or line break are escaped as sha256sum does. */
    private static String sumLine(String digest, String name) {
        if (name.indexOf('\\') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            return "\\" + digest + "  " + name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r") + "\n";
        }
        return digest + "  " + name + "\n";
    }

    private static byte[] toJson(Manifest m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = bytes; JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", m.format());
            g.writeStringField("tool", "kaapana-migrate");
            g.writeStringField("createdAt", m.createdAt().toString());
            g.writeStringField("source", m.source());
            g.writeStringField("scope", m.scope());
            g.writeArrayFieldStart("units");
            for (String u : m.units()) {
                g.writeString(u);
            }
            g.writeEndArray();
            g.writeNumberField("files", m.files());
            g.writeNumberField("bytes", m.bytes());
            g.writeArrayFieldStart("entries");
            for (ManifestEntry e : m.entries()) {
                g.writeRaw('\n');
                g.writeStartObject();
                g.writeStringField("path", e.path());
                g.writeStringField("kind", e.kind().name());
                if (e.kind() == ManifestEntry.Kind.FILE) {
                    g.writeNumberField("size", e.size());
                    g.writeStringField("sha256", e.sha256());
                }
                g.writeStringField("mode", String.format("%04o", e.mode()));
                g.writeNumberField("uid", e.uid());
                g.writeNumberField("gid", e.gid());
                g.writeStringField("mtime", e.mtime().toString());
                if (e.target() != null) {
                    g.writeStringField("target", e.target());
                }
                if (e.sparse()) {
                    g.writeBooleanField("sparse", true);
                }
                g.writeEndObject();
            }
            g.writeRaw('\n');
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
        return bytes.toByteArray();
    }

    private static Manifest parse(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the manifest");
            Integer format = null;
            Instant createdAt = null;
            String source = null;
            String scope = null;
            List<String> units = new ArrayList<>();
            List<ManifestEntry> entries = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "format" -> format = p.getIntValue();
                    case "createdAt" -> createdAt = instant(p.getText());
                    case "source" -> source = p.getText();
                    case "scope" -> scope = p.getText();
                    case "units" -> {
                        expect(value, JsonToken.START_ARRAY, "units");
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            units.add(p.getText());
                        }
                    }
                    case "entries" -> {
                        expect(value, JsonToken.START_ARRAY, "entries");
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            entries.add(entry(p));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (format == null || format != Manifest.FORMAT) {
                throw new IOException("format " + format + " is not the supported format " + Manifest.FORMAT);
            }
            if (createdAt == null || source == null || scope == null) {
                throw new IOException("createdAt, source or scope is missing");
            }
            return new Manifest(format, createdAt, source, scope, units, entries);
        }
    }

    private static ManifestEntry entry(JsonParser p) throws IOException {
        String path = null;
        ManifestEntry.Kind kind = null;
        long size = 0;
        String sha = null;
        Integer mode = null;
        Integer uid = null;
        Integer gid = null;
        Instant mtime = null;
        String target = null;
        boolean sparse = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "path" -> path = p.getText();
                case "kind" -> kind = ManifestEntry.Kind.valueOf(p.getText());
                case "size" -> size = p.getLongValue();
                case "sha256" -> sha = p.getText();
                case "mode" -> mode = Integer.parseInt(p.getText(), 8);
                case "uid" -> uid = p.getIntValue();
                case "gid" -> gid = p.getIntValue();
                case "mtime" -> mtime = instant(p.getText());
                case "target" -> target = p.getText();
                case "sparse" -> sparse = p.getBooleanValue();
                default -> p.skipChildren();
            }
        }
        if (path == null || kind == null || mode == null || uid == null || gid == null || mtime == null
                || (kind == ManifestEntry.Kind.FILE && (sha == null || sha.length() != 64))
                || path.startsWith("/") || path.equals("..") || path.startsWith("../") || path.contains("/../")) {
            throw new IOException("an entry is incomplete or leaves the backup: " + path);
        }
        return new ManifestEntry(path, kind, size, sha, mode, uid, gid, mtime, target, sparse);
    }

    private static Instant instant(String text) throws IOException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IOException("'" + text + "' is no time stamp");
        }
    }

    private static void expect(JsonToken token, JsonToken expected, String what) throws IOException {
        if (token != expected) {
            throw new IOException(what + ": expected " + expected + ", found " + token);
        }
    }
}
