package dev.kaapanamigrate.workflows;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a scan found: every finding counted by rule and severity, the findings themselves (the first
 * {@code maxFindingsKept}, in scan order, so that the report stays small enough for a journal), and every file that
 * could not be scanned, with the reason. Plain data: it is written to the migration journal as JSON.
 *
 * <pre>{@code
 * ScanReport report = scanner.scan();
 * log.info("{}", report.summary());
 * if (report.count(Severity.BREAKS) > 0) { ... }
 * }</pre>
 *
 * @param roots             the scanned folders and files (absolute)
 * @param rules             the ids of the rules applied, in claim order
 * @param filesScanned      files read and tokenized
 * @param filesIgnored      files not matching the include globs, or matching an exclude glob
 * @param filesWithFindings scanned files with at least one finding
 * @param findingCount      all findings, also those not kept
 * @param mechanicalCount   findings a rewrite would fix
 * @param countsBySeverity  findings per severity
 * @param countsByRule      findings per rule id
 * @param findings          the findings kept, in scan order
 * @param issueCount        all files that could not be scanned, also those not kept
 * @param issues            the issues kept
 */
public record ScanReport(List<String> roots, List<String> rules, long filesScanned, long filesIgnored,
                         long filesWithFindings, long findingCount, long mechanicalCount,
                         Map<Severity, Long> countsBySeverity, Map<String, Long> countsByRule, List<Finding> findings,
                         long issueCount, List<FileIssue> issues) {

    /**
     * Validates the components and copies the collections (maps sorted, for stable JSON).
     *
     * @param roots             the roots
     * @param rules             the rule ids
     * @param filesScanned      files scanned
     * @param filesIgnored      files ignored
     * @param filesWithFindings files with findings
     * @param findingCount      all findings
     * @param mechanicalCount   mechanical findings
     * @param countsBySeverity  per severity
     * @param countsByRule      per rule
     * @param findings          the findings kept
     * @param issueCount        all issues
     * @param issues            the issues kept
     */
    public ScanReport {
        roots = List.copyOf(roots);
        rules = List.copyOf(rules);
        countsBySeverity = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(countsBySeverity)));
        countsByRule = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(countsByRule)));
        findings = List.copyOf(findings);
        issues = List.copyOf(issues);
        if (findingCount < findings.size() || issueCount < issues.size()) {
            throw new IllegalArgumentException("counts " + findingCount + "/" + issueCount + " below the kept lists");
        }
    }

    /**
     * The findings of one severity (all of them, also those not kept).
     *
     * @param severity the severity
     * @return the count
     */
    public long count(Severity severity) {
        return countsBySeverity.getOrDefault(severity, 0L);
    }

    /**
     * Findings counted but not kept in {@link #findings()}.
     *
     * @return {@code findingCount - findings.size()}
     */
    public long findingsOmitted() {
        return findingCount - findings.size();
    }

    /**
     * Issues counted but not kept in {@link #issues()}.
     *
     * @return {@code issueCount - issues.size()}
     */
    public long issuesOmitted() {
        return issueCount - issues.size();
    }

    /**
     * One line for logs and step results.
     *
     * @return for example {@code "1204 workflow files scanned (3 other files ignored): 7 breaks, 1 deprecated, 12 advice in 5 files
     *         (6 rewritable on request); 2 files not scanned"}
     */
    public String summary() {
        StringBuilder b = new StringBuilder().append(filesScanned).append(" workflow files scanned");
        if (filesIgnored > 0) {
            b.append(" (").append(filesIgnored).append(" other files ignored)");
        }
        b.append(": ");
        if (findingCount == 0) {
            b.append("no findings");
        } else {
            b.append(count(Severity.BREAKS)).append(" breaks, ").append(count(Severity.DEPRECATED)).append(" deprecated, ")
                    .append(count(Severity.ADVICE)).append(" advice in ").append(filesWithFindings).append(" files (")
                    .append(mechanicalCount).append(" rewritable on request)");
        }
        if (issueCount > 0) {
            b.append("; ").append(issueCount).append(" files not scanned: ").append(issues.stream().limit(5)
                    .map(FileIssue::describe).collect(Collectors.joining("; ")));
            if (issueCount > 5) {
                b.append("; …");
            }
        }
        return b.toString();
    }
}
