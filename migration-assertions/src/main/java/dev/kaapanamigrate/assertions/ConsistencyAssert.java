package dev.kaapanamigrate.assertions;

import dev.kaapanamigrate.kaapana.ConsistencyOptions;
import dev.kaapanamigrate.kaapana.ConsistencyReport;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Assertions on the consistency across the stores ({@link MigrationAssertions#assertThatConsistency}).
 */
public final class ConsistencyAssert {

    private final ConsistencyReport report;

    ConsistencyAssert(ConsistencyReport report) {
        this.report = report;
    }

    /**
     * No inconsistency of any kind, except those the check tolerates by default (series without a thumbnail, which
     * the follow-up {@code generate-thumbnail} makes), and nothing left unchecked.
     *
     * @return this
     * @throws AssertionError listing the findings (each with its count and the first orphans) and what was not checked
     */
    public ConsistencyAssert isConsistent() {
        return hasNoFindingsExcept(ConsistencyOptions.defaults().tolerated());
    }

    /**
     * No inconsistency of any kind but these, and nothing left unchecked.
     *
     * @param tolerated the kinds allowed
     * @return this
     * @throws AssertionError listing the findings and what was not checked
     */
    public ConsistencyAssert hasNoFindingsExcept(Set<ConsistencyReport.Kind> tolerated) {
        Set<ConsistencyReport.Kind> allowed = tolerated.isEmpty() ? EnumSet.noneOf(ConsistencyReport.Kind.class)
                : EnumSet.copyOf(tolerated);
        List<String> out = new ArrayList<>();
        for (ConsistencyReport.Finding f : report.findings()) {
            if (!allowed.contains(f.kind())) {
                out.add(f.kind() + ": " + f.describe());
            }
        }
        report.notChecked().forEach(n -> out.add("not checked: " + n));
        if (!out.isEmpty()) {
            throw Messages.failure("Expected the stores to agree (consistency report of " + report.takenAt() + "), but "
                    + "found " + Messages.count(out.size(), "finding") + ":", out);
        }
        return this;
    }

    /**
     * A project's counts: its mapped series all indexed.
     *
     * @param project the project's name
     * @param series  how many series are mapped to it
     * @return this
     * @throws AssertionError when the project is missing or its counts differ
     */
    public ConsistencyAssert hasProjectWithSeries(String project, long series) {
        ConsistencyReport.ProjectCounts p = report.project(project).orElseThrow(() -> new AssertionError("Expected "
                + "project " + project + " in the consistency report, but it has only " + String.join(", ",
                report.projects().stream().map(ConsistencyReport.ProjectCounts::project).toList())));
        if (p.mappedSeries() != series || p.indexedSeries() != series) {
            throw new AssertionError("Expected project " + project + " to have " + series + " series mapped and indexed, "
                    + "but: " + p.describe());
        }
        return this;
    }
}
