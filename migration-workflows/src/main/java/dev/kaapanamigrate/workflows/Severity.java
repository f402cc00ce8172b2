package dev.kaapanamigrate.workflows;

/**
 * How bad a finding is for a DAG or operator moved from Kaapana 0.4 to 0.5.
 *
 * <pre>{@code
 * long broken = report.countsBySeverity().getOrDefault(Severity.BREAKS, 0L);
 * }</pre>
 */
public enum Severity {
    /** The code fails on 0.5: an import error, a key that is gone, a label no network policy matches. */
    BREAKS,
    /** The code still runs on 0.5 through something deprecated, or was written against a name the guide deprecates. */
    DEPRECATED,
    /** Worth a look: changed defaults, new parameters, new operators that may replace custom code. */
    ADVICE
}
