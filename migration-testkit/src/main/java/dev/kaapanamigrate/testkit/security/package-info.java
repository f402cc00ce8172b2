/**
 * A stand-in for OpenSearch's security plugin in front of a test search node (the embedded node has none, and the
 * real plugin is not on Maven Central): {@link dev.kaapanamigrate.testkit.security.SecurityStandIn} authenticates every
 * request, answers the {@code _plugins/_security/api} role and role-mapping calls as the OpenSearch 2.18 documentation
 * shows them, and forwards everything else to the node; {@link dev.kaapanamigrate.testkit.security.OpenSearchStartup}
 * performs 0.5's start-up actions on it (security reset, UUID role mappings, project indices), one of them left out on
 * request for negative tests.
 */
package dev.kaapanamigrate.testkit.security;
