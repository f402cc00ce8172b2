package dev.kaapanamigrate.minio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.minio.internal.StoreReader;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client failing in the middle of a listing (a fault a real server cannot be made to produce on demand): the
 * listing resumes after the last key delivered, waiting with backoff, and gives up with a coded error.
 */
class ListingRetryTest {

    private static Item item(String key) {
        Item i = mock(Item.class);
        when(i.objectName()).thenReturn(key);
        when(i.size()).thenReturn(1L);
        when(i.etag()).thenReturn("\"e-" + key + "\"");
        return i;
    }

    private static Result<Item> reset() {
        return new Result<>(new MinioException(new SocketException("Connection reset")));
    }

    @Test
    void aListingThatFailsMidwayResumesAfterTheLastKeyWithBackoff() throws Exception {
        MinioClient client = mock(MinioClient.class);
        List<String> startAfter = new ArrayList<>();
        when(client.listObjects(any(ListObjectsArgs.class))).thenAnswer(inv -> {
            ListObjectsArgs args = inv.getArgument(0);
            startAfter.add(String.valueOf(args.startAfter()));
            if (args.startAfter() == null) {
                return List.of(new Result<>(item("a")), new Result<>(item("b")), reset());
            }
            if (startAfter.size() == 2) {
                return List.of(reset()); // fails again before delivering anything
            }
            return List.of(new Result<>(item("c")), new Result<>(item("d")));
        });
        List<Duration> waits = new ArrayList<>();
        StoreReader reader = new StoreReader(MinioStore.of(client, "http://minio.test:9000")
                .withRetries(4, Duration.ofMillis(100), Duration.ofMillis(150)), waits::add);
        List<String> keys = new ArrayList<>();
        reader.listObjects("bucket", (key, size, etag) -> {
            keys.add(key + "/" + etag);
        });
        assertThat(keys).containsExactly("a/e-a", "b/e-b", "c/e-c", "d/e-d");
        assertThat(startAfter).containsExactly("null", "b", "b");
        assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(150));
    }

    @Test
    void aListingThatKeepsFailingStopsWithACodedErrorNamingTheEndpoint() {
        MinioClient client = mock(MinioClient.class);
        when(client.listObjects(any(ListObjectsArgs.class))).thenAnswer(inv -> List.of(reset()));
        List<Duration> waits = new ArrayList<>();
        StoreReader reader = new StoreReader(MinioStore.of(client, "http://minio.test:9000")
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(1)), waits::add);
        MigrationException e = catchThrowableOfType(MigrationException.class,
                () -> reader.listObjects("bucket", (k, s, t) -> { }));
        assertThat(e.code()).isEqualTo(MinioErrorCode.LISTING_FAILED);
        assertThat(e.getMessage()).contains("http://minio.test:9000").contains("bucket").contains("tried 3 times")
                .contains("Connection reset");
        assertThat(waits).hasSize(2);
    }

    @Test
    void rejectedCredentialsAreNotRetried() throws IOException {
        MinioClient client = mock(MinioClient.class);
        io.minio.errors.ErrorResponseException denied = new io.minio.errors.ErrorResponseException(
                new io.minio.messages.ErrorResponse("InvalidAccessKeyId", "The Access Key Id you provided does not "
                        + "exist in our records.", "bucket", null, "/bucket", "1", "h"), null, null);
        when(client.listObjects(any(ListObjectsArgs.class))).thenAnswer(inv -> List.of(new Result<Item>(denied)));
        List<Duration> waits = new ArrayList<>();
        StoreReader reader = new StoreReader(MinioStore.of(client, "http://minio.test:9000"), waits::add);
        MigrationException e = catchThrowableOfType(MigrationException.class,
                () -> reader.listObjects("bucket", (k, s, t) -> { }));
        assertThat(e.code()).isEqualTo(MinioErrorCode.CREDENTIALS_REJECTED);
        assertThat(waits).isEmpty();
    }
}
