package dev.kaapanamigrate.workflows.internal;

import dev.kaapanamigrate.workflows.FileIssue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnmappableCharacterException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one file as Python source: size limit, binary check, strict decoding (UTF-8 or its coding declaration). */
public final class SourceReader {

    /** How much of the start is checked for NUL bytes, as tools such as grep and git do. */
    static final int BINARY_CHECK = 8192;

    /** PEP 263: a comment on line 1 or 2 naming the encoding. */
    private static final Pattern CODING = Pattern.compile("^[ \\t\\f]*#.*?coding[:=][ \\t]*([-\\w.]+)");

    private SourceReader() {
    }

    /** A file read, or why not. */
    public sealed interface Result permits Read, Refused {
    }

    /**
     * The file as text.
     *
     * @param file the decoded file
     */
    public record Read(SourceFile file) implements Result {
    }

    /**
     * Why the file was not read.
     *
     * @param kind   the kind of problem
     * @param reason the reason
     */
    public record Refused(FileIssue.Kind kind, String reason) implements Result {
    }

    /**
     * Reads a file.
     *
     * @param root    its scanned folder
     * @param path    the file
     * @param rel     its relative path
     * @param size    its size from the walk
     * @param maxSize the largest size read
     * @return the file or the reason it was not read
     */
    public static Result read(Path root, Path path, String rel, long size, long maxSize) {
        if (size > maxSize) {
            return tooLarge(size, maxSize);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException | SecurityException e) {
            return new Refused(FileIssue.Kind.UNREADABLE, "cannot be read: " + describe(e)
                    + "; make it readable for the migration's user, or exclude it");
        }
        if (bytes.length > maxSize) {
            return tooLarge(bytes.length, maxSize);
        }
        return decode(root, path, rel, bytes);
    }

    /**
     * Decodes content already read.
     *
     * @param root  its scanned folder
     * @param path  the file
     * @param rel   its relative path
     * @param bytes the content
     * @return the file or the reason it is not text
     */
    public static Result decode(Path root, Path path, String rel, byte[] bytes) {
        for (int i = 0, n = Math.min(bytes.length, BINARY_CHECK); i < n; i++) {
            if (bytes[i] == 0) {
                return new Refused(FileIssue.Kind.BINARY, "a NUL byte at offset " + i + ": binary content, not Python source");
            }
        }
        Charset charset = StandardCharsets.UTF_8;
        String declared = declaredEncoding(bytes);
        if (declared != null) {
            charset = charsetOf(declared);
            if (charset == null) {
                return new Refused(FileIssue.Kind.UNDECODABLE, "its coding declaration names '" + declared
                        + "', an encoding this Java runtime does not know");
            }
        }
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return new Read(new SourceFile(root, path, rel, bytes, charset, decoder.decode(in).toString()));
        } catch (MalformedInputException | UnmappableCharacterException e) {
            return new Refused(FileIssue.Kind.UNDECODABLE, "not valid " + charset.name() + " at byte offset " + in.position()
                    + (declared == null ? " (Python 3 reads source as UTF-8 unless a coding declaration on line 1 or 2 "
                    + "names another encoding)" : ""));
        } catch (CharacterCodingException e) {
            return new Refused(FileIssue.Kind.UNDECODABLE, "not valid " + charset.name() + ": " + e);
        }
    }

    /** Python's codec names as Java knows them ({@code latin-1}, {@code iso_8859_15}, {@code cp1252} …), or null. */
    static Charset charsetOf(String pythonName) {
        String n = pythonName.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (n.equals("latin-1") || n.equals("latin1") || n.equals("l1") || n.equals("iso-latin-1")) {
            return StandardCharsets.ISO_8859_1;
        }
        for (String candidate : new String[] {pythonName, n}) {
            try {
                return Charset.forName(candidate);
            } catch (IllegalArgumentException e) {
                // try the next spelling
            }
        }
        return null;
    }

    /** The encoding a PEP 263 declaration on line 1 or 2 names, or {@code null} for none or UTF-8. */
    static String declaredEncoding(byte[] bytes) {
        int lineStart = 0;
        for (int line = 0; line < 2 && lineStart < bytes.length; line++) {
            int end = lineStart;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            String text = new String(bytes, lineStart, end - lineStart, StandardCharsets.ISO_8859_1);
            Matcher m = CODING.matcher(text);
            if (m.find()) {
                String name = m.group(1);
                String lower = name.toLowerCase(java.util.Locale.ROOT);
                return lower.equals("utf-8") || lower.equals("utf8") || lower.startsWith("utf-8-") || lower.startsWith("utf_8")
                        ? null : name;
            }
            if (!text.isBlank() && !text.stripLeading().startsWith("#")) {
                return null; // a declaration on line 2 counts only after a comment or blank line 1
            }
            lineStart = end < bytes.length && bytes[end] == '\r' && end + 1 < bytes.length && bytes[end + 1] == '\n'
                    ? end + 2 : end + 1;
        }
        return null;
    }

    private static Refused tooLarge(long size, long maxSize) {
        return new Refused(FileIssue.Kind.TOO_LARGE, size + " bytes, more than the maximum of " + maxSize
                + " bytes; raise maxFileSize to scan it, or exclude it");
    }

    static String describe(Exception e) {
        String simple = e.getClass().getSimpleName();
        if (e.getMessage() == null) {
            return simple;
        }
        return switch (simple) {
            case "AccessDeniedException" -> "permission denied";
            case "NoSuchFileException" -> "no such file";
            default -> simple + ": " + e.getMessage();
        };
    }
}
