package dev.kaapanamigrate.workflows.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unified diffs built from edits: context, merged hunks, line counts, missing final newline. */
class UnifiedDiffTest {

    private static String lines(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append("line ").append(i).append('\n');
        }
        return b.toString();
    }

    /** Replaces the whole text of line {@code line} (1-based). */
    private static RuleEngine.Edit replaceLine(String text, int line, String with) {
        int start = 0;
        for (int i = 1; i < line; i++) {
            start = text.indexOf('\n', start) + 1;
        }
        int end = text.indexOf('\n', start);
        return new RuleEngine.Edit(start, end < 0 ? text.length() : end, with);
    }

    @Test
    void oneChangeWithThreeLinesOfContext() {
        String text = lines(10);
        assertThat(UnifiedDiff.diff("d/a.py", text, List.of(replaceLine(text, 5, "five")))).isEqualTo("""
                --- a/d/a.py
                +++ b/d/a.py
                @@ -2,7 +2,7 @@
                 line 2
                 line 3
                 line 4
                -line 5
                +five
                 line 6
                 line 7
                 line 8
                """);
    }

    @Test
    void changesSixLinesApartShareAHunkSevenApartDoNot() {
        String text = lines(30);
        String merged = UnifiedDiff.diff("a.py", text, List.of(replaceLine(text, 5, "x"), replaceLine(text, 12, "y")));
        assertThat(merged.lines().filter(l -> l.startsWith("@@")).toList()).containsExactly("@@ -2,14 +2,14 @@");
        String split = UnifiedDiff.diff("a.py", text, List.of(replaceLine(text, 5, "x"), replaceLine(text, 13, "y")));
        assertThat(split.lines().filter(l -> l.startsWith("@@")).toList()).containsExactly("@@ -2,7 +2,7 @@",
                "@@ -10,7 +10,7 @@");
    }

    @Test
    void aSpanOverSeveralLinesBecomingOneShiftsLaterHunks() {
        String text = "from m import (\n    H,\n)\nx = 1\n" + lines(12) + "y = H()\n";
        int start = 0;
        int end = text.indexOf(")\n") + 1;
        int call = text.indexOf("H()");
        List<RuleEngine.Edit> edits = List.of(new RuleEngine.Edit(start, end, "from n import f"),
                new RuleEngine.Edit(call, call + 3, "f()"));
        assertThat(UnifiedDiff.diff("a.py", text, edits)).isEqualTo("""
                --- a/a.py
                +++ b/a.py
                @@ -1,6 +1,4 @@
                -from m import (
                -    H,
                -)
                +from n import f
                 x = 1
                 line 1
                 line 2
                @@ -14,4 +12,4 @@
                 line 10
                 line 11
                 line 12
                -y = H()
                +y = f()
                """);
    }

    @Test
    void aLastLineWithoutNewlineIsMarked() {
        String text = "a = 1\nb = conf['form_data']";
        int at = text.indexOf("form_data");
        assertThat(UnifiedDiff.diff("a.py", text, List.of(new RuleEngine.Edit(at, at + 9, "workflow_form")))).isEqualTo("""
                --- a/a.py
                +++ b/a.py
                @@ -1,2 +1,2 @@
                 a = 1
                -b = conf['form_data']
                \\ No newline at end of file
                +b = conf['workflow_form']
                \\ No newline at end of file
                """);
    }

    @Test
    void severalEditsOnOneLineAreOneChangeAndCrStays() {
        String text = "x = {'network-access': 'ctp'}\r\ny = 2\r\n";
        List<RuleEngine.Edit> edits = new ArrayList<>();
        int k = text.indexOf("network-access");
        edits.add(new RuleEngine.Edit(k, k + 14, "network-access-ctp"));
        int v = text.indexOf("ctp'}");
        edits.add(new RuleEngine.Edit(v, v + 3, "true"));
        assertThat(UnifiedDiff.diff("a.py", text, edits)).isEqualTo("--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n"
                + "-x = {'network-access': 'ctp'}\r\n+x = {'network-access-ctp': 'true'}\r\n y = 2\r\n");
    }

    @Test
    void anEditThatChangesNothingGivesNoDiff() {
        String text = "a = 'x'\n";
        assertThat(UnifiedDiff.diff("a.py", text, List.of(new RuleEngine.Edit(5, 6, "x")))).isEmpty();
    }
}
