package dev.kaapanamigrate.workflows;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kaapanamigrate.core.ConfigurationException;
import java.util.List;

/**
 * A name imported from a module, found through every way Python binds it: {@code from M import N},
 * {@code from M import N as A} (then {@code A} and {@code A(...)}), {@code import M as m} (then {@code m.N}),
 * {@code from P import leaf} for a module {@code P.leaf}, and {@code import M} (then {@code M.N}). The import
 * statement that binds the name itself and every use are findings.
 *
 * <p>The optional rewrite is applied to a file only when it is mechanical there: the name is bound by
 * {@code from M import N [as A]} statements that import nothing else, and every use is a call with no arguments or
 * only keyword arguments named in {@code droppableKeywords}. Then each such import becomes {@code rewriteImport} and
 * each call {@code rewriteCall}. Anything else in the file (a module alias, a type annotation, a method called on the
 * class, other arguments) makes every finding of the rule in that file advice only. In JSON:
 *
 * <pre>{@code
 * {"modules": ["kaapana.operators.HelperMinio"], "name": "HelperMinio",
 *  "rewriteImport": "from kaapanapy.helper import get_minio_client", "rewriteCall": "get_minio_client()",
 *  "droppableKeywords": ["dag_run"]}
 * }</pre>
 *
 * @param modules           the fully qualified modules the name is imported from, at least one
 * @param name              the imported name
 * @param rewriteImport     the statement that replaces the import, or {@code null} for no rewrite
 * @param rewriteCall       the expression that replaces each call, or {@code null} for no rewrite
 * @param droppableKeywords keyword arguments a call may have and still be rewritten (they are dropped)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportedSymbol(List<String> modules, String name, String rewriteImport, String rewriteCall,
                             List<String> droppableKeywords) {

    /**
     * Validates the components and copies the lists.
     *
     * @param modules           the modules
     * @param name              the name
     * @param rewriteImport     the new import, or {@code null}
     * @param rewriteCall       the new call, or {@code null}
     * @param droppableKeywords droppable keyword arguments, or {@code null} for none
     */
    public ImportedSymbol {
        if (modules == null || modules.isEmpty() || modules.stream().anyMatch(m -> m == null || !m.matches("[A-Za-z_][\\w.]*"))) {
            throw new ConfigurationException("An imported symbol needs \"modules\": fully qualified module names such as "
                    + "\"kaapana.operators.HelperMinio\"; found " + modules);
        }
        if (name == null || !name.matches("[A-Za-z_]\\w*")) {
            throw new ConfigurationException("An imported symbol needs a \"name\" that is a Python identifier; found " + name);
        }
        if ((rewriteImport == null) != (rewriteCall == null)) {
            throw new ConfigurationException("The imported symbol " + name + " has only one of \"rewriteImport\" and "
                    + "\"rewriteCall\"; give both for a rewrite, or neither.");
        }
        modules = List.copyOf(modules);
        droppableKeywords = droppableKeywords == null ? List.of() : List.copyOf(droppableKeywords);
    }

    /**
     * Whether the symbol has a rewrite.
     *
     * @return whether {@code rewriteImport} and {@code rewriteCall} are set
     */
    public boolean rewritable() {
        return rewriteImport != null;
    }
}
