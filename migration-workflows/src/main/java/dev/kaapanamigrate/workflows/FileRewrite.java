package dev.kaapanamigrate.workflows;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The mechanical rewrite of one file: what it holds before and after, where the original is kept, and the unified
 * diff.
 *
 * @param root         the scanned folder (absolute)
 * @param file         the file relative to {@code root}
 * @param backup       the backup of the original, relative to {@code root}: the file's name plus
 *                     {@link WorkflowRewriter#BACKUP_SUFFIX}
 * @param encoding     the file's encoding ({@code UTF-8} unless a coding declaration names another); write the diff in
 *                     it to apply it with {@code patch}
 * @param sha256Before the SHA-256 of the original content
 * @param sha256After  the SHA-256 of the rewritten content
 * @param rewrites     the number of findings rewritten, per rule id
 * @param diff         the unified diff ({@code patch -p1} applies it in {@code root})
 */
public record FileRewrite(String root, String file, String backup, String encoding, String sha256Before, String sha256After,
                          Map<String, Integer> rewrites, String diff) {

    /**
     * Validates the components and copies the map (sorted).
     *
     * @param root         the root
     * @param file         the file
     * @param backup       the backup
     * @param encoding     the encoding
     * @param sha256Before the digest before
     * @param sha256After  the digest after
     * @param rewrites     rewrites per rule
     * @param diff         the diff
     */
    public FileRewrite {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(sha256Before, "sha256Before");
        Objects.requireNonNull(sha256After, "sha256After");
        rewrites = Collections.unmodifiableMap(new TreeMap<>(rewrites));
        Objects.requireNonNull(diff, "diff");
    }

    /**
     * One line: how many rewrites of which rules.
     *
     * @return for example {@code "3 rewrites: kaapana.form-data-key x2, kaapana.thumbnail-env x1"}
     */
    public String summary() {
        int total = rewrites.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder b = new StringBuilder().append(total).append(total == 1 ? " rewrite: " : " rewrites: ");
        String sep = "";
        for (Map.Entry<String, Integer> e : rewrites.entrySet()) {
            b.append(sep).append(e.getKey()).append(" x").append(e.getValue());
            sep = ", ";
        }
        return b.toString();
    }
}
