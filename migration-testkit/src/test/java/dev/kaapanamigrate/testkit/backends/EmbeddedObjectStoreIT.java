package dev.kaapanamigrate.testkit.backends;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.testkit.internal.Clients;
import dev.kaapanamigrate.testkit.internal.Docker;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.SetBucketPolicyArgs;
import io.minio.errors.ErrorResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on s3proxy, plus what is special about the embedded store. */
class EmbeddedObjectStoreIT extends ObjectStoreContract {

    @Override
    protected ObjectStore start() {
        return TestBackends.startObjectStore(BackendMode.EMBEDDED, ACCESS_KEY, SECRET_KEY);
    }

    @Test
    void isTheEmbeddedKindWithoutPolicies() {
        assertThat(store.backend()).isEqualTo(BackendMode.EMBEDDED);
        assertThat(store.supportsPolicies()).isFalse();
        assertThat(store.endpoint()).matches("http://127\\.0\\.0\\.1:\\d+");
        assertThat(store.dataDirectory()).hasValueSatisfying(d -> assertThat(d).isDirectory());
    }

    @Test
    void rejectsBucketPoliciesAsDocumented() throws Exception {
        String bucket = newBucket();
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";

        // If this starts to pass, s3proxy gained policies: update supportsPolicies() and POLICIES_UNSUPPORTED.
        assertThatThrownBy(() -> s3.setBucketPolicy(SetBucketPolicyArgs.builder().bucket(bucket).config(policy)
                .build()))
                .isInstanceOf(ErrorResponseException.class)
                .satisfies(e -> assertThat(((ErrorResponseException) e).errorResponse().code())
                        .isEqualTo("NotImplemented"));
    }

    @Test
    void rejectsWrongCredentials() throws Exception {
        try (MinioClient wrong = Clients.minio(store.endpoint(), ACCESS_KEY, "not-the-secret")) {
            assertThatThrownBy(() -> wrong.listBuckets())
                    .isInstanceOf(ErrorResponseException.class)
                    .satisfies(e -> assertThat(((ErrorResponseException) e).errorResponse().code())
                            .isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void keepsObjectsAsFilesInAGivenDirectoryAcrossRestarts(@TempDir Path dir) throws Exception {
        byte[] data = "dicom".getBytes(StandardCharsets.UTF_8);
        try (ObjectStore first = TestBackends.startEmbeddedObjectStore(dir, ACCESS_KEY, SECRET_KEY)) {
            first.client().makeBucket(MakeBucketArgs.builder().bucket("uploads").build());
            first.client().putObject(PutObjectArgs.builder().bucket("uploads").object("a/b.dcm")
                    .data(data, data.length).build());
        }
        assertThat(dir.resolve("uploads/a/b.dcm")).exists().hasBinaryContent(data);

        try (ObjectStore second = TestBackends.startEmbeddedObjectStore(dir, ACCESS_KEY, SECRET_KEY)) {
            s3 = second.client();   // reuse the helpers of the contract on the second store
            try {
                assertThat(get("uploads", "a/b.dcm")).isEqualTo(data);
            } finally {
                s3 = store.client();
            }
        }
        assertThat(dir).as("a caller's directory is kept").isDirectory();
    }

    @Test
    void closeStopsTheServerAndDeletesItsOwnDirectory() throws Exception {
        ObjectStore own = TestBackends.startEmbeddedObjectStore();
        Path dir = own.dataDirectory().orElseThrow();
        int port = URI.create(own.endpoint()).getPort();
        own.client().makeBucket(MakeBucketArgs.builder().bucket("staticwebsiteresults").build());
        assertThat(dir.resolve("staticwebsiteresults")).isDirectory();
        assertThat(accepts(port)).isTrue();

        own.close();
        own.close();   // idempotent

        assertThat(accepts(port)).as("port %d after close", port).isFalse();
        assertThat(dir).doesNotExist();
    }

    @Test
    void refusesAMissingDataDirectory(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> TestBackends.startEmbeddedObjectStore(missing, ACCESS_KEY, SECRET_KEY))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("missing");
        assertThat(Files.exists(missing)).isFalse();
    }

    @Test
    void autoPicksEmbeddedWithoutDocker() {
        try (ObjectStore auto = TestBackends.startObjectStore(BackendMode.AUTO, ACCESS_KEY, SECRET_KEY)) {
            assertThat(auto.backend()).isEqualTo(Docker.available() ? BackendMode.CONTAINERS : BackendMode.EMBEDDED);
            assertThat(auto.supportsPolicies()).isEqualTo(auto.backend() == BackendMode.CONTAINERS);
        }
    }

    static boolean accepts(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }
}
