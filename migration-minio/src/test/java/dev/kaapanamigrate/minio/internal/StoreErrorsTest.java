package dev.kaapanamigrate.minio.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.minio.MinioErrorCode;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class StoreErrorsTest {

    @Test
    void anUntrustedCertificateIsATlsFailureAsMinioRethrowsItAndAsTheJdkThrowsIt() {
        // MinIO's client: IllegalStateException(CertificateException), the handshake exception gone
        Throwable minio = new IllegalStateException(new CertificateException(
                "None of the TrustManagers trust this server certificate chain"));
        Throwable jdk = new SSLHandshakeException("PKIX path building failed");

        assertThat(StoreErrors.kind(minio)).isEqualTo(StoreErrors.Kind.TLS);
        assertThat(StoreErrors.kind(jdk)).isEqualTo(StoreErrors.Kind.TLS);
        assertThat(StoreErrors.kind(new ConnectException("Connection refused"))).isEqualTo(StoreErrors.Kind.UNREACHABLE);
        assertThat(StoreErrors.retryable(StoreErrors.Kind.TLS)).as("a certificate does not change on retry").isFalse();

        MigrationException e = StoreErrors.of(minio, "https://kaapana.example/minio", "listing buckets", 1);
        assertThat(e.code()).isEqualTo(MinioErrorCode.ENDPOINT_UNREACHABLE);
        assertThat(e.problem().orElseThrow().found()).startsWith("TLS with https://kaapana.example/minio failed");
    }
}
