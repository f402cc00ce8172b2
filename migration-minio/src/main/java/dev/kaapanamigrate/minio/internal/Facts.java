package dev.kaapanamigrate.minio.internal;

import dev.kaapanamigrate.core.Verification;
import java.util.List;

/** Verification facts of comparisons. */
public final class Facts {

    private Facts() {
    }

    /**
     * A fact comparing a bucket with a baseline: passes when nothing is missing or changed; additions are reported.
     *
     * @param name  the fact's name
     * @param d     the differences
     * @param basis the basis
     * @return the fact
     */
    public static Verification.Fact comparison(String name, ListingMerge.Differences d, Verification.Basis basis) {
        String actual = describe(d);
        return new Verification.Fact(name, "no object missing or changed (additions allowed)", actual, d.nothingLost(),
                basis);
    }

    /**
     * The differences in words: counts and the first names.
     *
     * @param d the differences
     * @return for example {@code "2 missing: a, b; 1 added: c"} or {@code "equal (120 objects)"}
     */
    public static String describe(ListingMerge.Differences d) {
        if (d.missing() == 0 && d.changed() == 0 && d.added() == 0) {
            return "equal (" + d.compared() + " objects)";
        }
        StringBuilder s = new StringBuilder();
        part(s, d.missing(), "missing", d.missingNames());
        part(s, d.changed(), "changed", d.changedNames());
        part(s, d.added(), "added", d.addedNames());
        return s.toString();
    }

    private static void part(StringBuilder s, long count, String what, List<String> names) {
        if (count == 0) {
            return;
        }
        if (s.length() > 0) {
            s.append("; ");
        }
        s.append(count).append(' ').append(what).append(": ").append(String.join(", ", names));
        if (count > names.size()) {
            s.append(", and ").append(count - names.size()).append(" more");
        }
    }
}
