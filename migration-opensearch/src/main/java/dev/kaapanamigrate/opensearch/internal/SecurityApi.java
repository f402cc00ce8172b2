package dev.kaapanamigrate.opensearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.opensearch.OpenSearchErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads roles and role mappings through the security plugin's REST API ({@code GET _plugins/_security/api/roles},
 * {@code GET _plugins/_security/api/rolesmapping}), as the OpenSearch 2.18 documentation describes them.
 */
public final class SecurityApi {

    /** The API's base path. */
    public static final String BASE = "/_plugins/_security/api";

    private SecurityApi() {
    }

    /**
     * A role mapping.
     *
     * @param backendRoles its backend roles
     * @param users        its users
     */
    public record RoleMapping(List<String> backendRoles, List<String> users) {
    }

    /**
     * The names of every role.
     *
     * @param endpoint the endpoint
     * @return role names, sorted
     */
    public static List<String> roles(Endpoint endpoint) {
        JsonNode all = get(endpoint, BASE + "/roles", "reading the security roles");
        List<String> names = new ArrayList<>();
        all.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        return names;
    }

    /**
     * Every role mapping.
     *
     * @param endpoint the endpoint
     * @return role name → mapping, sorted by role
     */
    public static Map<String, RoleMapping> mappings(Endpoint endpoint) {
        JsonNode all = get(endpoint, BASE + "/rolesmapping", "reading the security role mappings");
        Map<String, RoleMapping> out = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : all.properties()) {
            out.put(e.getKey(), new RoleMapping(texts(e.getValue().path("backend_roles")),
                    texts(e.getValue().path("users"))));
        }
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode get(Endpoint endpoint, String path, String what) {
        Endpoint.Reply r = endpoint.call("GET", path, null);
        if (r.ok()) {
            return r.json();
        }
        if (r.status() == 403) {
            throw new MigrationException(Problem.of(OpenSearchErrorCode.SECURITY_API_FORBIDDEN,
                    endpoint.name() + " answered 403 Forbidden to GET " + path + " (" + r.shortReason() + ")",
                    "the client's user to be allowed to read the security REST API",
                    "give the client a user whose role is in plugins.security.restapi.roles_enabled (Kaapana's admin "
                            + "user has all_access), or its admin certificate; the user needs no write access"), null);
        }
        if ((r.status() == 400 || r.status() == 404 || r.status() == 405) && r.text().contains("no handler found")) {
            throw new MigrationException(Problem.of(OpenSearchErrorCode.SECURITY_PLUGIN_MISSING,
                    endpoint.name() + " has no security REST API (" + r.shortReason() + ")",
                    "Kaapana's OpenSearch, which runs the security plugin",
                    OpenSearchErrorCode.SECURITY_PLUGIN_MISSING.remedy()), null);
        }
        throw endpoint.failure(what, r);
    }
}
