package dev.kaapanamigrate.workflows.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokenizer tells code from comments and strings, and refuses what Python would refuse. */
class PyTokenizerTest {

    private static Tokens tokens(String src) throws Exception {
        return PyTokenizer.tokenize(src);
    }

    /** Strings as {@code content|flags}, flags: S standalone, N nested, T triple. */
    private static List<String> strings(Tokens t) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (t.kind(i) == Tokens.STRING) {
                out.add(t.content(i) + "|" + (t.is(i, Tokens.STANDALONE) ? "S" : "") + (t.is(i, Tokens.NESTED) ? "N" : "")
                        + (t.is(i, Tokens.TRIPLE) ? "T" : ""));
            }
        }
        return out;
    }

    private static List<String> texts(Tokens t) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            out.add(t.text(i));
        }
        return out;
    }

    @Test
    void commentsAreNoTokensAndHashesInStringsAreNoComments() throws Exception {
        Tokens t = tokens("x = conf['a#b']  # conf[\"form_data\"]\n# form_data\ny = 1\n");
        assertThat(texts(t)).containsExactly("x", "=", "conf", "[", "'a#b'", "]", "y", "=", "1");
    }

    @Test
    void prefixesQuotesAndEscapes() throws Exception {
        Tokens t = tokens("a = (r'\\d', b\"x\", rb'y', BR\"z\", Rb'''w''', u'v', f\"f\", F'g', fr'h', 'it\\'s', \"q\\\"q\")\n");
        assertThat(strings(t)).containsExactly("\\d|", "x|", "y|", "z|", "w|T", "v|", "f|", "g|", "h|", "it\\'s|", "q\\\"q|");
        assertThat(texts(t)).contains("Rb'''w'''", "BR\"z\"");
    }

    @Test
    void aNameThatIsNoPrefixStaysAName() throws Exception {
        Tokens t = tokens("rbx = 1\nprint (rb)\nfb'x'\n");
        assertThat(texts(t).subList(0, 7)).containsExactly("rbx", "=", "1", "print", "(", "rb", ")");
        assertThat(texts(t).get(7)).isEqualTo("fb");
    }

    @Test
    void tripleQuotedStringsSpanLinesAndHoldQuotes() throws Exception {
        Tokens t = tokens("s = \"\"\"one \"two\" ''\nthree\"\"\"\nz = '''a\n''' + \"b\"\n");
        assertThat(strings(t)).containsExactly("one \"two\" ''\nthree|T", "a\n|T", "b|");
        assertThat(t.line(t.start(t.size() - 1))).isEqualTo(4);
    }

    @Test
    void docstringsAndStringStatementsAreStandalone() throws Exception {
        String src = """
                \"\"\"Module docstring with conf["form_data"].\"\"\"
                import os


                class Op:
                    '''Class docstring.'''

                    def f(self):
                        "function docstring" "continued"
                        x = "value"
                        call("argument")
                        "expression statement"; y = 1
                        return {"k": "v"}
                z = ("in brackets"
                     "concatenated")
                """;
        assertThat(strings(tokens(src))).containsExactly("Module docstring with conf[\"form_data\"].|ST", "Class docstring.|ST",
                "function docstring|S", "continued|S", "value|", "argument|", "expression statement|S", "k|", "v|",
                "in brackets|", "concatenated|");
    }

    @Test
    void aStringFollowedByAnOperatorIsNoDocstring() throws Exception {
        assertThat(strings(tokens("\"%s\" % x\n'a'.join(b)\n"))).containsExactly("%s|", "a|");
    }

    @Test
    void fStringFieldsYieldNestedStrings() throws Exception {
        Tokens t = tokens("log(f\"x {conf['form_data']!r:>{width}} {{literal}} {d[\"k\"]}\")\n");
        assertThat(strings(t)).containsExactly("x {conf['form_data']!r:>{width}} {{literal}} {d[\"k\"]}|", "form_data|N", "k|N");
        assertThat(texts(t)).endsWith(")");
    }

    @Test
    void nestedFStringsAndFormatSpecs() throws Exception {
        Tokens t = tokens("s = f'{a:{\"w\"}} {f\"{b['c']}\"}'\n");
        assertThat(strings(t)).containsExactly("{a:{\"w\"}} {f\"{b['c']}\"}|", "w|N", "{b['c']}|N", "c|N");
    }

    @Test
    void lineContinuationsAndBracketsKeepTheStatement() throws Exception {
        Tokens t = tokens("x = 1 + \\\n    2\ny = [\n  'a',\n]\n'not a docstring',\n");
        assertThat(strings(t)).containsExactly("a|", "not a docstring|");
        int y = texts(t).indexOf("y");
        assertThat(t.is(y, Tokens.STATEMENT_START)).isTrue();
        assertThat(t.is(texts(t).indexOf("2"), Tokens.STATEMENT_START)).isFalse();
    }

    @Test
    void calleesAndPartners() throws Exception {
        Tokens t = tokens("dag = DAG(dag_id='x', tags=['t'], default_args=dict(a='b'))\nif (c): pass\n");
        List<String> text = texts(t);
        int x = text.indexOf("'x'");
        assertThat(t.text(t.callee(x))).isEqualTo("DAG");
        assertThat(t.callee(text.indexOf("'t'"))).isEqualTo(-1);
        assertThat(t.text(t.callee(text.indexOf("'b'")))).isEqualTo("dict");
        assertThat(t.callee(text.indexOf("c"))).isEqualTo(-1); // a keyword's parenthesis is no call
        int open = text.indexOf("(");
        assertThat(t.text(t.partner(open))).isEqualTo(")");
        assertThat(t.partner(open)).isEqualTo(text.indexOf("c") - 3);
    }

    @Test
    void linesColumnsCrlfAndBom() throws Exception {
        Tokens t = tokens("\uFEFFa = 1\r\nb = 'ü'\r\n\rc = 2\n");
        List<String> text = texts(t);
        int b = text.indexOf("b");
        assertThat(t.line(t.start(b))).isEqualTo(2);
        int c = text.indexOf("c");
        assertThat(t.line(t.start(c))).isEqualTo(4);
        assertThat(t.column(t.start(text.indexOf("'ü'")))).isEqualTo(5);
        assertThat(t.is(c, Tokens.STATEMENT_START)).isTrue();
    }

    @Test
    void numbersAreOneToken() throws Exception {
        assertThat(texts(tokens("x = (0x0012, 0x0020, 1_000, 3.5e-3, .5, 1j, 0o17, 0b1, 2.)\n")))
                .containsExactly("x", "=", "(", "0x0012", ",", "0x0020", ",", "1_000", ",", "3.5e-3", ",", ".5", ",", "1j",
                        ",", "0o17", ",", "0b1", ",", "2.", ")");
    }

    @Test
    void unicodeIdentifiers() throws Exception {
        assertThat(texts(tokens("größe = körper_teil\n"))).containsExactly("größe", "=", "körper_teil");
    }

    @Test
    void refusesWhatPythonRefuses() {
        assertThatThrownBy(() -> tokens("x = 1\ns = \"\"\"never\nends\n")).isInstanceOf(PyTokenizer.SyntaxProblem.class)
                .hasMessageContaining("unterminated triple-quoted string literal starting at line 2")
                .satisfies(e -> assertThat(((PyTokenizer.SyntaxProblem) e).line()).isEqualTo(2));
        assertThatThrownBy(() -> tokens("s = 'open\nx = 1\n")).hasMessageContaining("unterminated string literal starting at line 1");
        assertThatThrownBy(() -> tokens("f(a))\n")).hasMessageContaining("unmatched ')'");
        assertThatThrownBy(() -> tokens("x = [1, 2)\n")).hasMessageContaining("closing ')' does not match '['");
        assertThatThrownBy(() -> tokens("d = {\n 'a': 1\n")).hasMessageContaining("'{' opened here is never closed (line 1)");
        assertThatThrownBy(() -> tokens("cost = $5\n")).hasMessageContaining("invalid character '$'");
        assertThatThrownBy(() -> tokens("x = 1 \\ 2\n")).hasMessageContaining("after line continuation");
        assertThatThrownBy(() -> tokens("s = f'{x'\n")).isInstanceOf(PyTokenizer.SyntaxProblem.class);
    }

    @Test
    void anEscapedNewlineContinuesASingleQuotedString() throws Exception {
        assertThat(strings(tokens("s = 'a\\\nb'\n"))).containsExactly("a\\\nb|");
    }
}
