package dev.kaapanamigrate.workflows.internal;

import java.util.ArrayList;
import java.util.List;

/** The import statements of one file and the names they bind. Relative imports bind nothing we can resolve. */
final class Imports {

    /**
     * One name an import binds.
     *
     * @param local     the name bound in the file
     * @param qualified what it refers to, fully qualified ({@code import a.b} binds {@code a} to {@code a})
     * @param star      {@code from qualified import *}
     */
    record Binding(String local, String qualified, boolean star) {
    }

    /**
     * One import statement.
     *
     * @param first      its first token ({@code import} or {@code from})
     * @param last       its last token
     * @param fromImport whether it is a {@code from … import …}
     * @param bindings   the names it binds
     */
    record Statement(int first, int last, boolean fromImport, List<Binding> bindings) {
    }

    private final List<Statement> statements;
    private final boolean[] inStatement;

    private Imports(List<Statement> statements, boolean[] inStatement) {
        this.statements = statements;
        this.inStatement = inStatement;
    }

    List<Statement> statements() {
        return statements;
    }

    boolean inStatement(int token) {
        return inStatement[token];
    }

    static Imports parse(Tokens t) {
        List<Statement> out = new ArrayList<>();
        boolean[] in = new boolean[t.size()];
        for (int i = 0, n = t.size(); i < n; i++) {
            if (!t.is(i, Tokens.STATEMENT_START) || t.kind(i) != Tokens.NAME) {
                continue;
            }
            Statement st = null;
            if (t.isName(i, "import")) {
                st = plainImport(t, i);
            } else if (t.isName(i, "from")) {
                st = fromImport(t, i);
            }
            if (st != null) {
                out.add(st);
                for (int k = st.first(); k <= st.last(); k++) {
                    in[k] = true;
                }
                i = st.last();
            }
        }
        return new Imports(out, in);
    }

    private static Statement plainImport(Tokens t, int i) {
        List<Binding> bindings = new ArrayList<>();
        int j = i + 1;
        while (j < t.size() && t.kind(j) == Tokens.NAME) {
            String first = t.content(j);
            StringBuilder full = new StringBuilder(first);
            j++;
            while (t.isOp(j, '.') && j + 1 < t.size() && t.kind(j + 1) == Tokens.NAME) {
                full.append('.').append(t.content(j + 1));
                j += 2;
            }
            if (t.isName(j, "as") && j + 1 < t.size() && t.kind(j + 1) == Tokens.NAME) {
                bindings.add(new Binding(t.content(j + 1), full.toString(), false));
                j += 2;
            } else {
                bindings.add(new Binding(first, first, false));
            }
            if (!t.isOp(j, ',') || j + 1 >= t.size()) {
                break;
            }
            j++;
        }
        return new Statement(i, Math.max(i, j - 1), false, bindings);
    }

    private static Statement fromImport(Tokens t, int i) {
        int j = i + 1;
        boolean relative = false;
        while (j < t.size() && t.kind(j) == Tokens.OP && (t.isOp(j, '.') || t.contentEquals(j, "..."))) {
            relative = true;
            j++;
        }
        StringBuilder module = new StringBuilder();
        if (j < t.size() && t.kind(j) == Tokens.NAME && !t.isName(j, "import")) {
            module.append(t.content(j));
            j++;
            while (t.isOp(j, '.') && j + 1 < t.size() && t.kind(j + 1) == Tokens.NAME) {
                module.append('.').append(t.content(j + 1));
                j += 2;
            }
        }
        if (!t.isName(j, "import")) {
            return new Statement(i, Math.max(i, j - 1), true, List.of());
        }
        j++;
        boolean paren = t.isOp(j, '(');
        if (paren) {
            j++;
        }
        List<Binding> bindings = new ArrayList<>();
        if (t.isOp(j, '*')) {
            bindings.add(new Binding("*", module.toString(), true));
            j++;
        } else {
            while (j < t.size() && t.kind(j) == Tokens.NAME) {
                String name = t.content(j);
                String local = name;
                j++;
                if (t.isName(j, "as") && j + 1 < t.size() && t.kind(j + 1) == Tokens.NAME) {
                    local = t.content(j + 1);
                    j += 2;
                }
                bindings.add(new Binding(local, module + "." + name, false));
                if (!t.isOp(j, ',')) {
                    break;
                }
                j++;
            }
        }
        if (paren && t.isOp(j, ')')) {
            j++;
        }
        return new Statement(i, j - 1, true, relative ? List.of() : bindings);
    }
}
