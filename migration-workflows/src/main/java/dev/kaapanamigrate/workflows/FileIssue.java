package dev.kaapanamigrate.workflows;

import java.util.Objects;

/**
 * A file (or folder) the scanner could not scan, or the rewriter would not rewrite, with the reason. The scanner
 * reports every such file; none is skipped silently.
 *
 * <pre>{@code
 * report.issues().forEach(i -> log.warn("{}: {} ({})", i.file(), i.kind(), i.reason()));
 * }</pre>
 *
 * @param root   the scanned folder (absolute)
 * @param file   the file relative to {@code root}, with {@code /} separators ({@code ""} for the root itself)
 * @param kind   what kind of problem
 * @param reason what was found and, where it helps, what to do
 * @param line   the 1-based line of a syntax problem, else 0
 */
public record FileIssue(String root, String file, Kind kind, String reason, int line) {

    /** Kinds of problems. */
    public enum Kind {
        /** Cannot be opened or read: permissions, a dangling link, a FIFO or other special file, a folder not listable. */
        UNREADABLE,
        /** Holds NUL bytes: not Python source. */
        BINARY,
        /** Not valid UTF-8 (nor the encoding its coding declaration names). */
        UNDECODABLE,
        /** Larger than the configured maximum size. */
        TOO_LARGE,
        /** Not tokenizable Python: an unterminated string, unbalanced brackets, an invalid character. */
        UNPARSABLE,
        /** A symbolic link: not followed, so nothing outside the scanned folders is read or written. */
        SYMLINK,
        /** Rewrite refused: a backup file exists and holds something other than the file's current content. */
        BACKUP_CONFLICT,
        /** Rewrite refused: the rewritten text would not tokenize, or the file is a link or changed meanwhile. */
        REWRITE_REFUSED
    }

    /**
     * Validates the components.
     *
     * @param root   the root
     * @param file   the relative file
     * @param kind   the kind
     * @param reason the reason
     * @param line   the line or 0
     */
    public FileIssue {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * One line for logs and summaries.
     *
     * @return for example {@code dags/broken.py: UNPARSABLE (unterminated triple-quoted string literal starting at line 3)}
     */
    public String describe() {
        return (file.isEmpty() ? root : file) + ": " + kind + " (" + reason + ")";
    }
}
