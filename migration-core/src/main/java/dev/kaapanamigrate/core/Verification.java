package dev.kaapanamigrate.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The outcome of a step's {@code verify}: the facts it checked, each with the expected and the actual
 * value. It passed when every fact passed; a verification with no facts does not pass, because it
 * proves nothing.
 *
 * <pre>{@code
 * return Verification.builder()
 *         .expect("schema of job", "0.5.2", schemaNow)                     // a postcondition
 *         .againstBaseline("rows in job", baseline.jobs(), now.jobs())     // proven against the baseline
 *         .build();
 * }</pre>
 *
 * @param passed whether every fact passed
 * @param facts  the facts checked, in order
 */
public record Verification(boolean passed, List<Fact> facts) {

    /** What a fact's expected value comes from. */
    public enum Basis {
        /** A property the step's result must have, checked on the installation as it is (for example a schema). */
        POSTCONDITION,
        /** A comparison with a baseline the step recorded before it changed anything (counts, digests). */
        BASELINE,
        /**
         * A guarantee the step could not prove (a store without a client, a baseline that could not be taken): it does
         * not fail the step, but a run whose steps report one ends {@link PlanStatus#INCOMPLETE}, listing it.
         */
        NOT_PROVEN
    }

    /**
     * One checked fact.
     *
     * @param name     what was checked
     * @param expected the expected value, as text
     * @param actual   the actual value, as text
     * @param passed   whether it matched
     * @param basis    what the expected value comes from; {@link Basis#POSTCONDITION} when {@code null}
     */
    public record Fact(String name, String expected, String actual, boolean passed, Basis basis) {
        /**
         * Validates the components.
         *
         * @param name     what was checked
         * @param expected the expected value
         * @param actual   the actual value
         * @param passed   whether it matched
         * @param basis    the basis, {@code null} for a postcondition
         */
        public Fact {
            Objects.requireNonNull(name, "name");
            basis = basis == null ? Basis.POSTCONDITION : basis;
        }

        /**
         * A postcondition fact.
         *
         * @param name     what was checked
         * @param expected the expected value
         * @param actual   the actual value
         * @param passed   whether it matched
         */
        public Fact(String name, String expected, String actual, boolean passed) {
            this(name, expected, actual, passed, Basis.POSTCONDITION);
        }
    }

    /**
     * Validates the components and copies the list.
     *
     * @param passed whether every fact passed
     * @param facts  the facts checked
     */
    public Verification {
        facts = List.copyOf(facts);
        boolean all = !facts.isEmpty() && facts.stream().allMatch(Fact::passed);
        if (passed != all) {
            throw new IllegalArgumentException("passed=" + passed + " contradicts the facts " + facts);
        }
    }

    /**
     * Creates a verification from facts; it passes when there is at least one fact and all passed.
     *
     * @param facts the facts
     * @return the verification
     */
    public static Verification of(List<Fact> facts) {
        return new Verification(!facts.isEmpty() && facts.stream().allMatch(Fact::passed), facts);
    }

    /**
     * Starts a builder.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The guarantees this verification could not prove.
     *
     * @return the facts with basis {@link Basis#NOT_PROVEN}
     */
    public List<Fact> unproven() {
        return facts.stream().filter(f -> f.basis() == Basis.NOT_PROVEN).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The facts that did not pass.
     *
     * @return the failed facts, possibly empty
     */
    public List<Fact> failures() {
        return facts.stream().filter(f -> !f.passed()).collect(Collectors.toUnmodifiableList());
    }

    /**
     * The failed facts as one line, for messages.
     *
     * @return for example {@code "rows in job: expected 10, found 9"}
     */
    public String describeFailures() {
        if (facts.isEmpty()) {
            return "no facts were checked";
        }
        return failures().stream()
                .map(f -> f.name() + ": expected " + f.expected() + ", found " + f.actual())
                .collect(Collectors.joining("; "));
    }

    /** Collects facts; not thread-safe. */
    public static final class Builder {
        private final List<Fact> facts = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a fact that passes when {@code expected} equals {@code actual}.
         *
         * @param name     what is checked
         * @param expected the expected value
         * @param actual   the actual value
         * @return this builder
         */
        public Builder expect(String name, Object expected, Object actual) {
            facts.add(new Fact(name, String.valueOf(expected), String.valueOf(actual), Objects.equals(expected, actual)));
            return this;
        }

        /**
         * Adds a fact proven against a baseline the step recorded before it changed anything: passes when the
         * baseline value equals {@code actual}.
         *
         * @param name     what was checked
         * @param baseline the value recorded before the change (with the step's documented rewrites applied)
         * @param actual   the value now
         * @return this builder
         */
        public Builder againstBaseline(String name, Object baseline, Object actual) {
            facts.add(new Fact(name, String.valueOf(baseline), String.valueOf(actual), Objects.equals(baseline, actual),
                    Basis.BASELINE));
            return this;
        }

        /**
         * Records a guarantee this verification could not prove, and why. It does not fail the verification; the run's
         * result lists it ({@link MigrationResult#unproven()}) and ends {@link PlanStatus#INCOMPLETE}.
         *
         * @param guarantee what could not be proven, for example {@code "objects of the MinIO store"}
         * @param why       why not, and what would prove it
         * @return this builder
         */
        public Builder notProven(String guarantee, String why) {
            facts.add(new Fact(guarantee, "proven", Objects.requireNonNull(why, "why"), true, Basis.NOT_PROVEN));
            return this;
        }

        /**
         * Adds a fact with its own pass condition, for checks that are not plain equality.
         *
         * @param name     what is checked
         * @param expected a description of the expectation
         * @param actual   a description of what was found
         * @param passed   whether it passed
         * @return this builder
         */
        public Builder fact(String name, String expected, String actual, boolean passed) {
            facts.add(new Fact(name, expected, actual, passed));
            return this;
        }

        /**
         * Adds a fact as it is, for facts with their own pass condition and basis (a comparison with a baseline that is
         * not plain equality, say).
         *
         * @param fact the fact
         * @return this builder
         */
        public Builder add(Fact fact) {
            facts.add(Objects.requireNonNull(fact, "fact"));
            return this;
        }

        /**
         * Builds the verification.
         *
         * @return the verification
         */
        public Verification build() {
            return Verification.of(facts);
        }
    }
}
