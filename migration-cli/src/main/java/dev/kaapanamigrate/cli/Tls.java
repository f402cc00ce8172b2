package dev.kaapanamigrate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;

/**
 * How the stores' TLS certificates are checked. By default the JVM's trust store, with host names verified.
 * {@code --ca-file} adds the certificates of a PEM file to the JVM's trust anchors (in addition, not instead: a
 * store behind a publicly signed certificate keeps working); host names are still verified. {@code --insecure} turns
 * verification off (any certificate, any host name), for a trusted network only, with a warning on every run.
 */
final class Tls {

    /** Verification with the JVM's trust store, as the clients do without configuration. */
    static final Tls DEFAULT = new Tls(null, false, null, null);

    private final Path caFile;
    private final boolean insecure;
    private final SSLContext context;
    private final X509TrustManager trust;

    private Tls(Path caFile, boolean insecure, SSLContext context, X509TrustManager trust) {
        this.caFile = caFile;
        this.insecure = insecure;
        this.context = context;
        this.trust = trust;
    }

    /** The TLS the options ask for: default, a CA file added to the JVM's trust anchors, or no verification. */
    static Tls of(Path caFile, boolean insecure) {
        if (caFile != null && insecure) {
            throw new UsageException("--ca-file and --insecure contradict each other: --ca-file verifies with that CA, "
                    + "--insecure verifies nothing; keep --ca-file");
        }
        if (insecure) {
            X509TrustManager any = new TrustEverything();
            return new Tls(null, true, context(any), any);
        }
        if (caFile == null) {
            return DEFAULT;
        }
        X509TrustManager withCa = trustManager(caFile);
        return new Tls(caFile, false, context(withCa), withCa);
    }

    boolean insecure() {
        return insecure;
    }

    /** For the report and messages: how certificates are checked (no secrets: a file name at most). */
    String describe() {
        if (insecure) {
            return "not verified (--insecure)";
        }
        return caFile == null ? "verified with the JVM's trust store"
                : "verified with the JVM's trust store and the CA file " + caFile.toAbsolutePath();
    }

    /** The OkHttp client builder (MinIO) with this TLS. */
    OkHttpClient.Builder apply(OkHttpClient.Builder b) {
        if (context == null) {
            return b;
        }
        b = b.sslSocketFactory(context.getSocketFactory(), trust);
        return insecure ? b.hostnameVerifier((host, session) -> true) : b;
    }

    /** The TLS strategy for Apache HttpClient 5 (OpenSearch), or empty for the client's default. */
    Optional<TlsStrategy> strategy() {
        if (context == null) {
            return Optional.empty();
        }
        ClientTlsStrategyBuilder b = ClientTlsStrategyBuilder.create().setSslContext(context);
        if (insecure) {
            b = b.setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                    .setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
        }
        return Optional.of(b.buildAsync());
    }

    /**
     * The TLS failure in a cause chain (a certificate not trusted, a host name not matching), if any: an
     * {@link SSLException}, or a {@link CertificateException} (MinIO's client rethrows the trust manager's exception
     * without the handshake exception around it).
     */
    static Optional<Exception> failure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException || c instanceof CertificateException) {
                return Optional.of((Exception) c);
            }
        }
        return Optional.empty();
    }

    /** The fix for a TLS failure, in command-line terms. */
    static String fix() {
        return "pass the CA certificate that signed the endpoint's certificate as --ca-file FILE (PEM; for Kaapana, the "
                + "CA of the ingress certificate), check that the URL's host name is one the certificate names, or, on "
                + "a network you trust, --insecure";
    }

    private static SSLContext context(X509TrustManager trust) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {trust}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager trustManager(Path caFile) {
        List<X509Certificate> added = new ArrayList<>();
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            for (Certificate c : certs) {
                added.add((X509Certificate) c);
            }
        } catch (IOException e) {
            throw new UsageException("--ca-file " + caFile + " cannot be read (" + e.getClass().getSimpleName()
                    + "); expected a readable PEM file with the CA certificate; check the path");
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new UsageException("--ca-file " + caFile + " holds no readable certificate (" + e.getMessage()
                    + "); expected PEM (-----BEGIN CERTIFICATE-----)");
        }
        if (added.isEmpty()) {
            throw new UsageException("--ca-file " + caFile + " holds no certificate; expected PEM "
                    + "(-----BEGIN CERTIFICATE-----)");
        }
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            int i = 0;
            for (X509Certificate c : defaultTrust().getAcceptedIssuers()) {
                anchors.setCertificateEntry("jvm-" + i++, c);
            }
            for (X509Certificate c : added) {
                anchors.setCertificateEntry("ca-file-" + i++, c);
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(anchors);
            return x509(f);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the trust store with --ca-file cannot be built: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager defaultTrust() throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        return x509(f);
    }

    private static X509TrustManager x509(TrustManagerFactory f) {
        for (TrustManager m : f.getTrustManagers()) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X.509 trust manager in this JVM");
    }

    /** --insecure: every certificate accepted. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // --insecure: the operator chose to verify nothing
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
