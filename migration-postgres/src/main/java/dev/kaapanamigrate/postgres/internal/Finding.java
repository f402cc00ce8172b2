package dev.kaapanamigrate.postgres.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.Problem;
import java.util.List;

/**
 * One reason a step refuses: what was found, what was expected, how to fix it. Several findings join into
 * one numbered {@link Problem}, so the operator sees every reason at once.
 *
 * @param found    what was found
 * @param expected what was expected
 * @param fix      what to do
 */
public record Finding(String found, String expected, String fix) {

    /**
     * Joins findings into one problem: numbered when there are several, followed by what was not done.
     *
     * @param findings   the findings, at least one
     * @param notChanged what the refusal left untouched, for example {@code "nothing was moved"}
     * @return the problem
     */
    public static Problem problem(List<Finding> findings, String notChanged) {
        StringBuilder found = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        StringBuilder fix = new StringBuilder();
        for (int n = 0; n < findings.size(); n++) {
            Finding x = findings.get(n);
            String sep = n == 0 ? "" : "; ";
            String num = findings.size() == 1 ? "" : (n + 1) + ") ";
            found.append(sep).append(num).append(x.found());
            expected.append(sep).append(num).append(x.expected());
            fix.append(sep).append(num).append(x.fix());
        }
        found.append("; ").append(notChanged);
        return Problem.of(CoreErrorCode.PRECONDITION_FAILED, found.toString(), expected.toString(), fix.toString());
    }
}
