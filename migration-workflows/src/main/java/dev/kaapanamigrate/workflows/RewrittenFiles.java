package dev.kaapanamigrate.workflows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The files {@link RewriteWorkflowsStep} rewrites or rewrote, with the digests its verification compares: the
 * context value {@link RewriteWorkflowsStep#REWRITTEN}. Plain data (journaled); no file content.
 *
 * @param files one entry per file
 */
public record RewrittenFiles(List<Entry> files) {

    /**
     * One rewritten file.
     *
     * @param root         the scanned folder (absolute)
     * @param file         the file relative to {@code root}
     * @param backup       the backup relative to {@code root}
     * @param sha256Before the SHA-256 of the original, which the backup must hold
     * @param sha256After  the SHA-256 of the rewritten content
     */
    public record Entry(String root, String file, String backup, String sha256Before, String sha256After) {
        /**
         * Validates the components.
         *
         * @param root         the root
         * @param file         the file
         * @param backup       the backup
         * @param sha256Before the digest before
         * @param sha256After  the digest after
         */
        public Entry {
            Objects.requireNonNull(root, "root");
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(backup, "backup");
            Objects.requireNonNull(sha256Before, "sha256Before");
            Objects.requireNonNull(sha256After, "sha256After");
        }
    }

    /**
     * Copies the list.
     *
     * @param files the entries
     */
    public RewrittenFiles {
        files = List.copyOf(files);
    }

    /**
     * These entries updated by the files of a rewrite plan (a file in both keeps the plan's entry).
     *
     * @param plan the plan
     * @return the merged entries
     */
    public RewrittenFiles with(List<FileRewrite> plan) {
        Map<String, Entry> byFile = new LinkedHashMap<>();
        for (Entry e : files) {
            byFile.put(e.root() + "\u0000" + e.file(), e);
        }
        for (FileRewrite f : plan) {
            byFile.put(f.root() + "\u0000" + f.file(), new Entry(f.root(), f.file(), f.backup(), f.sha256Before(),
                    f.sha256After()));
        }
        return new RewrittenFiles(new ArrayList<>(byFile.values()));
    }
}
