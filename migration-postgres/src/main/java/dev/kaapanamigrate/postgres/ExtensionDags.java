package dev.kaapanamigrate.postgres;

import dev.kaapanamigrate.core.ContextKey;
import java.util.List;
import java.util.Optional;

/**
 * The DAG ids a 0.4 installation used that Kaapana 0.5.2 maps to no project by default, with where they were
 * used: what {@link ReportExtensionDagsStep} puts into the context ({@link #KEY}) so that a caller can enable
 * them once 0.5 is up.
 *
 * <pre>{@code
 * ctx.get(ExtensionDags.KEY).ifPresent(e -> e.dags().forEach(d -> mapToProjects(d.dagId(), d.projects())));
 * }</pre>
 *
 * @param dags the DAGs, sorted by id
 */
public record ExtensionDags(List<ExtensionDag> dags) {

    /** The context key of the list. */
    public static final ContextKey<ExtensionDags> KEY = ContextKey.of("postgres.extension-dags", ExtensionDags.class);

    /**
     * Copies the list.
     *
     * @param dags the DAGs
     */
    public ExtensionDags {
        dags = List.copyOf(dags);
    }

    /**
     * A DAG by id.
     *
     * @param dagId the id
     * @return the DAG, or empty
     */
    public Optional<ExtensionDag> byId(String dagId) {
        return dags.stream().filter(d -> d.dagId().equals(dagId)).findFirst();
    }
}
