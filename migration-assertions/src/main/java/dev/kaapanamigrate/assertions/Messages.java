package dev.kaapanamigrate.assertions;

import java.util.List;

/** Failure messages: what was expected, then the first differences and how many there are. */
final class Messages {

    private Messages() {
    }

    /**
     * Builds a failure.
     *
     * @param expected    the sentence saying what was expected and what was found, ending with a colon or not
     * @param differences every difference, one line each
     * @return the error to throw
     */
    static AssertionError failure(String expected, List<String> differences) {
        StringBuilder b = new StringBuilder(expected);
        int shown = Math.min(differences.size(), MigrationAssertions.FIRST_DIFFERENCES);
        for (int i = 0; i < shown; i++) {
            b.append(System.lineSeparator()).append("  - ").append(differences.get(i));
        }
        if (differences.size() > shown) {
            b.append(System.lineSeparator()).append("  ... and ").append(differences.size() - shown).append(" more");
        }
        return new AssertionError(b.toString());
    }

    /**
     * {@code 1 difference} or {@code 3 differences}.
     *
     * @param n    the count
     * @param noun the noun, singular
     * @return the text
     */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
