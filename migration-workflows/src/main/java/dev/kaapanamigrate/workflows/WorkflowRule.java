package dev.kaapanamigrate.workflows;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kaapanamigrate.core.ConfigurationException;
import java.util.List;

/**
 * One rule of the workflow scanner, as data: an id, a severity, a message saying what changed and what to do, what to
 * match (token patterns, or an imported symbol), and an optional rewrite. Rules are loaded from JSON (see
 * {@link WorkflowRules}), so a site can add its own. When two rules match the same token, the one listed first wins
 * and the other reports nothing there.
 *
 * <pre>{@code
 * WorkflowRule rule = new WorkflowRule("site.old-queue", Severity.BREAKS,
 *         "the queue 'gpu-old' is gone; use 'gpu'",
 *         List.of(TokenPattern.of(TokenMatcher.string("gpu-old")).rewritingTo("gpu")), null, null);
 * }</pre>
 *
 * @param id          a stable id: lower-case words separated by {@code .} or {@code -}, such as
 *                    {@code kaapana.form-data-key}
 * @param severity    how bad a finding is
 * @param message     what was found, what 0.5 expects, and the fix
 * @param patterns    the token patterns (alternatives), or {@code null} when {@code symbol} is given
 * @param symbol      the imported symbol to find, or {@code null} when {@code patterns} are given
 * @param replacement what to write instead, for findings that are not rewritten mechanically (advice), or
 *                    {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowRule(String id, Severity severity, String message, List<TokenPattern> patterns,
                           ImportedSymbol symbol, String replacement) {

    /**
     * Validates the components and copies the list.
     *
     * @param id          the id
     * @param severity    the severity
     * @param message     the message
     * @param patterns    the patterns, or {@code null}
     * @param symbol      the symbol, or {@code null}
     * @param replacement the advised replacement, or {@code null}
     */
    public WorkflowRule {
        if (id == null || !id.matches("[a-z0-9]+(?:[.-][a-z0-9]+)*")) {
            throw new ConfigurationException("Rule id '" + id + "' is invalid; expected lower-case words separated by '.' "
                    + "or '-', for example \"site.old-queue\".");
        }
        if (severity == null) {
            throw new ConfigurationException("Rule " + id + " has no \"severity\"; expected BREAKS, DEPRECATED or ADVICE.");
        }
        if (message == null || message.isBlank()) {
            throw new ConfigurationException("Rule " + id + " has no \"message\"; say what changed in 0.5 and what to do.");
        }
        boolean hasPatterns = patterns != null && !patterns.isEmpty();
        if (hasPatterns == (symbol != null)) {
            throw new ConfigurationException("Rule " + id + " must have either \"patterns\" (token sequences) or \"symbol\" "
                    + "(an imported name), not " + (hasPatterns ? "both" : "neither") + ".");
        }
        patterns = hasPatterns ? List.copyOf(patterns) : null;
    }

    /**
     * Whether the rule can rewrite what it finds.
     *
     * @return whether a pattern or the symbol has a rewrite
     */
    public boolean rewrites() {
        return symbol != null ? symbol.rewritable() : patterns.stream().anyMatch(p -> p.rewrite() != null);
    }
}
