package dev.kaapanamigrate.kaapana.internal;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Names and name patterns with {@code *} as the only wildcard ({@code project-*}).
 *
 * @param patterns the patterns as given
 */
public record NamePatterns(List<String> patterns) {

    /**
     * Copies the list.
     *
     * @param patterns the patterns
     */
    public NamePatterns {
        patterns = List.copyOf(patterns);
    }

    /**
     * Whether a name matches one of the patterns.
     *
     * @param name the name
     * @return {@code true} when it matches
     */
    public boolean matches(String name) {
        for (String p : patterns) {
            if (p.indexOf('*') < 0 ? p.equals(name) : Pattern.matches(globToRegex(p), name)) {
                return true;
            }
        }
        return false;
    }

    private static String globToRegex(String glob) {
        StringBuilder s = new StringBuilder();
        String[] parts = glob.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                s.append(".*");
            }
            if (!parts[i].isEmpty()) {
                s.append(Pattern.quote(parts[i]));
            }
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return String.join(", ", patterns);
    }
}
