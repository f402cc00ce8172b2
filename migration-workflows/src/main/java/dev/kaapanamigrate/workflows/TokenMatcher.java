package dev.kaapanamigrate.workflows;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kaapanamigrate.core.ConfigurationException;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Matches one significant Python token: a string literal (by its content between the quotes, as written, escapes not
 * decoded), a name, an operator or a number. Comments never match, and neither do string literals that are statements
 * of their own (docstrings, strings used as comments). In JSON:
 *
 * <pre>{@code
 * {"kind": "STRING", "text": "form_data"}
 * {"kind": "NAME", "regex": "ram_mem_mb|ram_mem_mb_lmt", "callee": "DcmSendOperator"}
 * }</pre>
 *
 * @param kind   the token kind
 * @param text   the exact content (strings) or text (other kinds), or {@code null}
 * @param regex  a regular expression the whole content or text must match, or {@code null}; with neither text nor
 *               regex any token of the kind matches
 * @param callee a regular expression the name of the directly enclosing call must match, as {@code DAG} in
 *               {@code DAG(dag_id="x")}, or {@code null} for anywhere
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenMatcher(Kind kind, String text, String regex, String callee) {

    /** Token kinds a matcher can ask for. */
    public enum Kind {
        /** A string literal, matched on its content between the quotes. */
        STRING,
        /** An identifier or keyword. */
        NAME,
        /** An operator or delimiter such as {@code :} or {@code (}. */
        OP,
        /** A numeric literal. */
        NUMBER,
        /** Any significant token. */
        ANY
    }

    /**
     * Validates the components.
     *
     * @param kind   the token kind
     * @param text   the exact content or text, or {@code null}
     * @param regex  a regular expression, or {@code null}
     * @param callee a regular expression for the enclosing call's name, or {@code null}
     */
    public TokenMatcher {
        if (kind == null) {
            throw new ConfigurationException("A token matcher has no \"kind\"; expected one of STRING, NAME, OP, NUMBER, ANY.");
        }
        if (text != null && regex != null) {
            throw new ConfigurationException("A token matcher has both \"text\" (" + text + ") and \"regex\" (" + regex
                    + "); give one of them.");
        }
        compile(regex, "regex");
        compile(callee, "callee");
    }

    /**
     * Matches a string literal whose content is exactly {@code content}.
     *
     * @param content the content between the quotes
     * @return the matcher
     */
    public static TokenMatcher string(String content) {
        return new TokenMatcher(Kind.STRING, Objects.requireNonNull(content, "content"), null, null);
    }

    /**
     * Matches a name token.
     *
     * @param name the identifier
     * @return the matcher
     */
    public static TokenMatcher name(String name) {
        return new TokenMatcher(Kind.NAME, Objects.requireNonNull(name, "name"), null, null);
    }

    /**
     * Matches an operator token.
     *
     * @param op the operator, for example {@code ":"}
     * @return the matcher
     */
    public static TokenMatcher op(String op) {
        return new TokenMatcher(Kind.OP, Objects.requireNonNull(op, "op"), null, null);
    }

    /**
     * The same matcher, limited to tokens directly inside a call of a name matching {@code calleeRegex}.
     *
     * @param calleeRegex a regular expression for the callee's name
     * @return the new matcher
     */
    public TokenMatcher inCallOf(String calleeRegex) {
        return new TokenMatcher(kind, text, regex, calleeRegex);
    }

    private static void compile(String regex, String field) {
        if (regex == null) {
            return;
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigurationException("The \"" + field + "\" of a token matcher is no valid regular expression: "
                    + e.getMessage().replace('\n', ' ') + "; write a java.util.regex pattern.");
        }
    }
}
