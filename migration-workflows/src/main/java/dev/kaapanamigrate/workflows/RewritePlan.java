package dev.kaapanamigrate.workflows;

import java.util.List;
import java.util.Objects;

/**
 * What a rewrite would do (from {@link WorkflowRewriter#plan()}, nothing written) or did (from
 * {@link WorkflowRewriter#apply()}): the files with their diffs, the files it refuses to rewrite, and the scan it is
 * based on (which also lists the findings that need a person).
 *
 * @param files   the files rewritten (or to rewrite), in scan order
 * @param refused files that stop the rewrite, with the reason: mechanical findings whose rewrite is refused (a
 *                conflicting backup, a rewrite that would not tokenize), and files that cannot be read as Python source
 *                (unreadable, binary), since whether they need a rewrite cannot be told
 * @param scan    the scan of the same folders
 */
public record RewritePlan(List<FileRewrite> files, List<FileIssue> refused, ScanReport scan) {

    /**
     * Validates the components and copies the lists.
     *
     * @param files   the files
     * @param refused the refused files
     * @param scan    the scan
     */
    public RewritePlan {
        files = List.copyOf(files);
        refused = List.copyOf(refused);
        Objects.requireNonNull(scan, "scan");
    }

    /**
     * Whether there is nothing to rewrite and nothing refused.
     *
     * @return whether empty
     */
    public boolean isEmpty() {
        return files.isEmpty() && refused.isEmpty();
    }

    /**
     * All diffs, one after the other, as one patch.
     *
     * @return the concatenated diffs
     */
    public String patch() {
        StringBuilder b = new StringBuilder();
        files.forEach(f -> b.append(f.diff()));
        return b.toString();
    }
}
