package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.core.ErrorCode;

/**
 * The error codes of {@code migration-opensearch}; their code strings carry the prefix {@code OPENSEARCH_}. Every
 * message with one of these codes names the endpoint it talked to and the fix, and never a credential or token.
 *
 * <pre>{@code
 * catch (MigrationException e) {
 *     if (e.code() == OpenSearchErrorCode.AUTHENTICATION_FAILED) { ... }
 * }
 * }</pre>
 */
public enum OpenSearchErrorCode implements ErrorCode {
    /** No answer from the node: connection refused, unknown host, timeout, TLS handshake failure. */
    NODE_UNREACHABLE("The OpenSearch node cannot be reached.",
            "Check that the platform runs, the endpoint and port of the client, the network path (port-forward), and "
                    + "that the client trusts the node's certificate."),
    /** The node answered 401: the client's credentials or token were refused. */
    AUTHENTICATION_FAILED("The OpenSearch node refused the client's credentials (HTTP 401).",
            "Give the client the credentials of a user the node knows (for Kaapana an admin user or a fresh token)."),
    /** The security plugin answered 403 to the security REST API. */
    SECURITY_API_FORBIDDEN("The client's user may not read the security REST API (HTTP 403).",
            "Use a user with a role listed in plugins.security.restapi.roles_enabled (for example all_access), or "
                    + "the admin certificate."),
    /** The node has no security plugin: {@code _plugins/_security/api} is unknown. */
    SECURITY_PLUGIN_MISSING("The node has no security plugin, so roles and role mappings cannot be checked.",
            "Point the client at Kaapana's OpenSearch, which runs the security plugin, or leave the security check out."),
    /** The node answered 403 to a data or index call. */
    ACCESS_DENIED("The client's user may not read or write an index it needs (HTTP 403).",
            "Use an admin user (Kaapana's realm admins are mapped to all_access) or grant the named permission."),
    /** An index the migration needs does not exist. */
    INDEX_MISSING("An index the migration needs does not exist.",
            "Check the index name; a missing project index can be recreated from the template with the repair step "
                    + "opensearch.recreate-project-indices."),
    /** The index template {@code project_} is missing or differs from Kaapana's. */
    TEMPLATE_MISMATCH("The index template project_ is missing or has another pattern or settings than Kaapana's.",
            "Let 0.5's meta-init re-apply the template (restart the meta-init job), or PUT _index_template/project_ "
                    + "as Kaapana defines it."),
    /** Role mappings still hold backend roles keyed by 0.4 integer project ids. */
    SECURITY_NOT_RESET("Role mappings still use 0.4's integer project ids: 0.5's security reset did not happen.",
            "Remove FAST/os/logs/init-security-marker.txt and restart OpenSearch so that securityadmin re-initialises "
                    + "the security index, then let 0.5's init-projects job recreate the project roles."),
    /** A project's role or role mapping to its UUID is missing after 0.5 started. */
    PROJECT_ROLE_MISSING("A project has no role, or no role mapping to its UUID backend role, after 0.5 started.",
            "Wait for 0.5's init-projects job to finish, or restart it; it recreates every project's role and mapping."),
    /** The node answered a request with an unexpected error. */
    REQUEST_FAILED("The OpenSearch node refused a request.",
            "Read the status and reason in the message; fix the node (disk, shards, cluster health) and run again."),
    /** The recorded baseline or its document listing cannot be read. */
    BASELINE_UNREADABLE("The recorded OpenSearch baseline or its document listing cannot be read.",
            "Keep the state directory of the run that recorded the baseline; if it is lost, take a new baseline "
                    + "(only possible while 0.4 runs)."),
    /** The OpenSearch data folder FAST_DATA_DIR/os/data is missing or unreadable. */
    DATA_FOLDER("The OpenSearch data folder (FAST_DATA_DIR/os/data) is missing or cannot be read.",
            "Point FAST_DATA_DIR at the Kaapana data folder and run as a user that can read os/data.");

    private final String summary;
    private final String remedy;

    OpenSearchErrorCode(String summary, String remedy) {
        this.summary = summary;
        this.remedy = remedy;
    }

    /**
     * The code string: {@code OPENSEARCH_} and the constant's name.
     *
     * @return for example {@code OPENSEARCH_NODE_UNREACHABLE}
     */
    @Override
    public String code() {
        return "OPENSEARCH_" + name();
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String remedy() {
        return remedy;
    }

    /** Registers these codes with {@link ErrorCode#of(String)}. */
    public static final class Catalog implements ErrorCode.Catalog {
        /** Creates the catalog (for {@link java.util.ServiceLoader}). */
        public Catalog() {
        }

        @Override
        public java.util.Collection<? extends ErrorCode> codes() {
            return java.util.List.of(values());
        }
    }
}
