package dev.kaapanamigrate.minio.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kaapana's project policies: names, whether a policy grants a bucket, and which integer-named ones are obsolete. */
public final class ProjectAccess {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProjectAccess() {
    }

    /**
     * A project's bucket.
     *
     * @param p the project
     * @return its {@code s3_bucket}, or {@code project-<name>} when it has none
     */
    public static String bucketOf(Project p) {
        return p.s3Bucket() != null ? p.s3Bucket() : KaapanaNames.bucketOf(p.name());
    }

    /**
     * Whether a policy allows reading objects of a bucket: an {@code Allow} statement whose actions include
     * {@code s3:GetObject} (or {@code s3:*}, {@code *}) on {@code arn:aws:s3:::<bucket>/*} (or the bucket, or all).
     *
     * @param policyJson the policy document
     * @param bucket     the bucket
     * @return {@code true} when it grants the bucket
     */
    public static boolean grants(String policyJson, String bucket) {
        JsonNode root;
        try {
            root = JSON.readTree(policyJson);
        } catch (IOException e) {
            return false;
        }
        if (root == null) {
            return false;
        }
        for (JsonNode st : list(root.path("Statement"))) {
            if (!"Allow".equalsIgnoreCase(st.path("Effect").asText())) {
                continue;
            }
            boolean action = list(st.path("Action")).stream().map(JsonNode::asText)
                    .anyMatch(a -> a.equals("s3:GetObject") || a.equals("s3:*") || a.equals("*"));
            boolean resource = list(st.path("Resource")).stream().map(JsonNode::asText)
                    .anyMatch(r -> r.equals("arn:aws:s3:::" + bucket + "/*") || r.equals("arn:aws:s3:::" + bucket)
                            || r.equals("arn:aws:s3:::*") || r.equals("*"));
            if (action && resource) {
                return true;
            }
        }
        return false;
    }

    private static List<JsonNode> list(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(out::add);
        } else if (!n.isMissingNode() && !n.isNull()) {
            out.add(n);
        }
        return out;
    }

    /**
     * An integer-named policy of 0.4 ({@code <claim value>_<old id>}).
     *
     * @param name       the policy name
     * @param claimValue its claim value
     * @param oldId      the integer
     * @param project    the project with that old id, if any
     */
    public record Obsolete(String name, String claimValue, long oldId, Optional<Project> project) {
    }

    /**
     * The policies named {@code <claim value>_<digits>} for the given claim values.
     *
     * @param policies    every policy
     * @param claimValues the claim values
     * @param projects    the projects, or {@code null}
     * @return the obsolete policies, sorted by name
     */
    public static List<Obsolete> obsolete(Map<String, String> policies, List<String> claimValues, ProjectList projects) {
        List<Obsolete> out = new ArrayList<>();
        for (String name : policies.keySet().stream().sorted().toList()) {
            for (String claim : claimValues) {
                Matcher m = Pattern.compile(Pattern.quote(claim) + "_(\\d{1,18})").matcher(name);
                if (m.matches()) {
                    long id = Long.parseLong(m.group(1));
                    Optional<Project> p = projects == null || id > Integer.MAX_VALUE ? Optional.empty()
                            : projects.byOldId((int) id);
                    out.add(new Obsolete(name, claim, id, p));
                }
            }
        }
        return out;
    }
}
