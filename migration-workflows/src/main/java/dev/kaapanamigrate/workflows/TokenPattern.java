package dev.kaapanamigrate.workflows;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kaapanamigrate.core.ConfigurationException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sequence of consecutive significant tokens (comments and line breaks between them do not count, so a dictionary
 * entry spread over several lines matches too), with an optional mechanical rewrite: one entry per token, {@code null}
 * to keep the token. A rewrite of a string literal replaces its content and keeps prefix and quotes; {@code ${n}}
 * stands for the content of the n-th matched token (1-based). In JSON:
 *
 * <pre>{@code
 * {"tokens": [{"kind": "STRING", "text": "network-access"}, {"kind": "OP", "text": ":"},
 *             {"kind": "STRING", "regex": "opensearch|ctp|external-ips"}],
 *  "rewrite": ["network-access-${3}", null, "true"]}
 * }</pre>
 *
 * @param tokens  the matchers, at least one
 * @param rewrite the replacement per token ({@code null} entries keep the token), or {@code null} for no rewrite
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenPattern(List<TokenMatcher> tokens, List<String> rewrite) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\d+)}");

    /**
     * Validates the components and copies the lists.
     *
     * @param tokens  the matchers
     * @param rewrite the replacements, or {@code null}
     */
    public TokenPattern {
        if (tokens == null || tokens.isEmpty()) {
            throw new ConfigurationException("A token pattern has no \"tokens\"; expected at least one token matcher.");
        }
        tokens = List.copyOf(tokens);
        if (rewrite != null) {
            if (rewrite.size() != tokens.size()) {
                throw new ConfigurationException("A token pattern has " + tokens.size() + " tokens but " + rewrite.size()
                        + " rewrite entries; expected one entry per token (null keeps the token).");
            }
            for (String r : rewrite) {
                if (r == null) {
                    continue;
                }
                Matcher m = PLACEHOLDER.matcher(r);
                while (m.find()) {
                    int i = Integer.parseInt(m.group(1));
                    if (i < 1 || i > tokens.size()) {
                        throw new ConfigurationException("The rewrite \"" + r + "\" refers to token " + i + " of a pattern with "
                                + tokens.size() + " tokens; use ${1} to ${" + tokens.size() + "}.");
                    }
                }
            }
            rewrite = Collections.unmodifiableList(new ArrayList<>(rewrite));
        }
    }

    /**
     * A pattern without rewrite.
     *
     * @param tokens the matchers
     * @return the pattern
     */
    public static TokenPattern of(TokenMatcher... tokens) {
        return new TokenPattern(List.of(tokens), null);
    }

    /**
     * The same tokens with a rewrite.
     *
     * @param replacements one per token, {@code null} to keep it
     * @return the new pattern
     */
    public TokenPattern rewritingTo(String... replacements) {
        List<String> r = new ArrayList<>();
        Collections.addAll(r, replacements);
        return new TokenPattern(tokens, r);
    }
}
