package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.GeneratedInstallation;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services of a simulated platform besides its databases: reachability gates in front of the object store, the
 * search node and the admin API stand-in, and 0.5's start-up actions on them.
 */
public final class PlatformServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformServices.class);
    /** The claim value of Kaapana's default MinIO right. */
    public static final String CLAIM_VALUE = "admin_project";
    /** Global buckets minio-init creates (0.4 and 0.5). */
    public static final List<String> GLOBAL_BUCKETS = ObjectStoreLoader.GLOBAL_BUCKETS;
    /** Upstream's {@code kaapanaUser} policy (minio-init's user-policy.json, the same in 0.4.2 and 0.5.2). */
    public static final String KAAPANA_USER_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":[\"s3:GetObject\",\"s3:PutObject\",\"s3:DeleteObject\",\"s3:ListBucket\","
            + "\"s3:GetBucketLocation\"],\"Resource\":[\"arn:aws:s3:::staticwebsiteresults/*\","
            + "\"arn:aws:s3:::uploads/*\",\"arn:aws:s3:::template-analysis-scripts/*\"]}]}";

    private final GeneratedInstallation installation;
    private final ObjectStore objects;
    private final Gate s3Gate;
    private final Gate searchGate;
    private final Gate adminGate;
    private final PolicyStandIn policies;
    private final Set<String> omitted = ConcurrentHashMap.newKeySet();
    private final Map<String, UUID> givenIds = new ConcurrentHashMap<>();
    private MinioClient minio;
    private OpenSearchClient search;

    /**
     * Creates the services, gates closed, the stand-in seeded with 0.4's policies.
     *
     * @param installation the installation
     * @param objects      its object store
     * @param searchNode   its search node
     */
    public PlatformServices(GeneratedInstallation installation, ObjectStore objects, SearchNode searchNode) {
        this.installation = installation;
        this.objects = objects;
        URI s3 = URI.create(objects.endpoint());
        this.s3Gate = new Gate("s3", s3.getHost(), s3.getPort());
        this.searchGate = new Gate("search", searchNode.host(), searchNode.port());
        this.policies = new PolicyStandIn(objects.accessKey(), objects.secretKey());
        this.adminGate = new Gate("minio-admin", "127.0.0.1", policies.port());
        policies.putPolicy("kaapanaUser", KAAPANA_USER_POLICY);
        for (InstallationModel.Project p : installation.model().projects()) {
            policies.putPolicy(CLAIM_VALUE + "_" + p.id(), projectPolicy(p.bucket()));
        }
    }

    /**
     * The policy Kaapana's access-information service writes for a project (0.4.2 and 0.5.2 alike).
     *
     * @param bucket the project's bucket
     * @return the policy document
     */
    public static String projectPolicy(String bucket) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\","
                + "\"s3:PutObject\",\"s3:DeleteObject\",\"s3:GetBucketLocation\",\"s3:GetObject\"],\"Resource\":"
                + "[\"arn:aws:s3:::" + bucket + "/*\"]}]}";
    }

    /**
     * The stand-in of the admin API.
     *
     * @return the stand-in
     */
    public PolicyStandIn policies() {
        return policies;
    }

    /**
     * Sets project UUIDs for start-up without databases.
     *
     * @param ids name to UUID
     */
    public void targetProjectIds(Map<String, UUID> ids) {
        givenIds.putAll(ids);
    }

    /**
     * Leaves a policy (or a project's policies) out of the start-up actions.
     *
     * @param name the policy or project name
     */
    public void omit(String name) {
        omitted.add(name);
    }

    /** Opens the gates (a platform runs). */
    public void open() {
        s3Gate.open();
        searchGate.open();
        adminGate.open();
    }

    /** Closes the gates (undeployed). */
    public void shut() {
        s3Gate.close();
        searchGate.close();
        adminGate.close();
    }

    /**
     * 0.5's first start: opens the gates, then creates each project's UUID-named policy and bucket (init-projects) and
     * the global buckets (minio-init).
     *
     * @param accessInformation the migrated access-information database, or {@code null} to use the given UUIDs
     */
    public void startTarget(DataSource accessInformation) {
        Map<String, UUID> ids = accessInformation == null ? new LinkedHashMap<>(givenIds) : readIds(accessInformation);
        open();
        List<String> created = new ArrayList<>();
        if (ids.isEmpty()) {
            // A test that moved the folders without migrating the databases: 0.5 would migrate them at start.
            LOG.info("Simulated 0.5 start-up without project UUIDs (access-information database not at 0.5, none "
                    + "given): no project policies created");
        }
        for (InstallationModel.Project p : ids.isEmpty() ? List.<InstallationModel.Project>of()
                : installation.model().projects()) {
            UUID id = ids.get(p.name());
            if (id == null) {
                throw new IllegalStateException("no 0.5 UUID for project " + p.name());
            }
            String name = CLAIM_VALUE + "_" + id;
            if (!omitted.contains(name) && !omitted.contains(p.name())) {
                policies.putPolicy(name, projectPolicy(p.bucket()));
                created.add(name);
            }
            ensureBucket(p.bucket());
        }
        GLOBAL_BUCKETS.forEach(this::ensureBucket);
        LOG.info("Simulated 0.5 start-up: created policies {}", created);
    }

    private void ensureBucket(String bucket) {
        try {
            if (!objects.client().bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                objects.client().makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("0.5's start-up could not create bucket " + bucket + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, UUID> readIds(DataSource aii) {
        Map<String, UUID> ids = new LinkedHashMap<>();
        try (Connection c = aii.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT name, id::text FROM projects ORDER BY int_id")) {
            while (rs.next()) {
                ids.put(rs.getString(1), UUID.fromString(rs.getString(2)));
            }
        } catch (SQLException e) {
            LOG.debug("no 0.5 project UUIDs in the access-information database: {}", e.getMessage());
            return Map.of();
        }
        return ids;
    }

    /**
     * The gated MinIO client.
     *
     * @return the client
     */
    public synchronized MinioClient minioClient() {
        if (minio == null) {
            minio = Clients.minio(objectStoreEndpoint(), objects.accessKey(), objects.secretKey());
        }
        return minio;
    }

    /**
     * The gated object store endpoint.
     *
     * @return the endpoint
     */
    public String objectStoreEndpoint() {
        return "http://127.0.0.1:" + s3Gate.port();
    }

    /**
     * The gated admin API endpoint.
     *
     * @return the endpoint
     */
    public String policyEndpoint() {
        return "http://127.0.0.1:" + adminGate.port();
    }

    /**
     * The gated search endpoint.
     *
     * @return the endpoint
     */
    public String searchEndpoint() {
        return "http://127.0.0.1:" + searchGate.port();
    }

    /**
     * The gated OpenSearch client.
     *
     * @return the client
     */
    public synchronized OpenSearchClient openSearchClient() {
        if (search == null) {
            search = Clients.openSearch("127.0.0.1", searchGate.port());
        }
        return search;
    }

    @Override
    public synchronized void close() {
        shut();
        if (minio != null) {
            Clients.closeQuietly(minio);
        }
        if (search != null) {
            Clients.closeQuietly(search);
        }
        policies.close();
    }
}
