package dev.kaapanamigrate.workflows;

import java.util.Objects;

/**
 * One place in a workflow file where a rule matched.
 *
 * <pre>{@code
 * for (Finding f : report.findings()) {
 *     log.info("{}", f.describe());   // dags/dag_my_import.py:42:21 BREAKS kaapana.form-data-key: ...
 * }
 * }</pre>
 *
 * @param root        the scanned folder the file was found under (absolute)
 * @param file        the file, relative to {@code root}, with {@code /} separators
 * @param line        the 1-based line where the offending text starts
 * @param column      the 1-based column (in characters) where it starts
 * @param ruleId      the rule's id
 * @param severity    the rule's severity
 * @param text        the offending source text (may span lines; long text is shortened with {@code …})
 * @param replacement what it becomes when {@code mechanical}, otherwise the advised replacement, or {@code null}
 * @param mechanical  whether {@link WorkflowRewriter} rewrites it
 * @param message     what changed in 0.5 and what to do
 */
public record Finding(String root, String file, int line, int column, String ruleId, Severity severity, String text,
                      String replacement, boolean mechanical, String message) {

    /**
     * Validates the components.
     *
     * @param root        the root
     * @param file        the relative file
     * @param line        the line
     * @param column      the column
     * @param ruleId      the rule id
     * @param severity    the severity
     * @param text        the offending text
     * @param replacement the replacement, or {@code null}
     * @param mechanical  whether it is rewritten
     * @param message     the message
     */
    public Finding {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(message, "message");
    }

    /**
     * One line for logs and summaries.
     *
     * @return for example {@code dags/x.py:12:5 BREAKS kaapana.form-data-key: "form_data" -> "workflow_form" (rewritten
     *         on request)}
     */
    public String describe() {
        StringBuilder b = new StringBuilder(file).append(':').append(line).append(':').append(column).append(' ')
                .append(severity).append(' ').append(ruleId).append(": ").append(oneLine(text));
        if (replacement != null) {
            b.append(" -> ").append(oneLine(replacement));
        }
        return b.append(mechanical ? " (rewritten on request)" : " (by hand)").toString();
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s*[\\r\\n]\\s*", " ");
        return flat.length() > 120 ? flat.substring(0, 119) + "…" : flat;
    }
}
