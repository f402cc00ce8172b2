package dev.kaapanamigrate.testkit;

import dev.kaapanamigrate.testkit.backends.ObjectStore;
import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import dev.kaapanamigrate.testkit.internal.BackendReset;
import dev.kaapanamigrate.pgserver.os.FileTrees;
import dev.kaapanamigrate.pgserver.PostgresBinaries;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link KaapanaInstallation}. One object store and one search node are started per
 * test JVM (on first use) and emptied before each class generates into them; the installation, its folders
 * and its database servers belong to the class and are removed after it.
 */
public final class KaapanaInstallationExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KaapanaInstallationExtension.class);

    /** Per-JVM backends; JUnit closes AutoCloseable store values at the end of the run. */
    private record Backends(ObjectStore objects, SearchNode search) implements AutoCloseable {
        @Override
        public void close() {
            try {
                objects.close();
            } finally {
                search.close();
            }
        }
    }

    /** Per-class installation and platform. */
    private record ClassState(GeneratedInstallation installation, SimulatedPlatform platform, Path root) {
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        KaapanaInstallation annotation = AnnotationSupport.findAnnotation(context.getRequiredTestClass(),
                KaapanaInstallation.class).orElseThrow(() -> new IllegalStateException(
                "Annotate the test class with @KaapanaInstallation to use " + getClass().getSimpleName()));
        InstallationSpec spec = InstallationSpec.of(annotation.size());
        if (annotation.seed() >= 0) {
            spec = spec.withSeed(annotation.seed());
        }
        Backends backends = backends(context);
        BackendReset.empty(backends.objects().client(), backends.search().client());
        Path root = Files.createTempDirectory("kaapana-install-");
        try {
            // The database servers run as the folders' owner (uid 70 when root): it must be able to reach them.
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            PostgresBinaries binaries = PostgresBinaries.resolve();
            GeneratedInstallation installation = InstallationGenerator.generate(spec, root.resolve("installation"),
                    backends.objects(), backends.search(), binaries);
            context.getStore(NS).put(ClassState.class, new ClassState(installation,
                    new SimulatedPlatform(installation, binaries, backends.objects(), backends.search()), root));
        } catch (Exception | Error e) {
            FileTrees.deleteRecursively(root);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ClassState state = context.getStore(NS).remove(ClassState.class, ClassState.class);
        if (state != null) {
            try {
                state.platform().close();
            } finally {
                FileTrees.deleteRecursively(state.root());
            }
        }
    }

    private static Backends backends(ExtensionContext context) {
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(Backends.class,
                k -> {
                    ObjectStore objects = TestBackends.startObjectStore();
                    try {
                        return new Backends(objects, TestBackends.startSearchNode());
                    } catch (RuntimeException e) {
                        objects.close();
                        throw e;
                    }
                }, Backends.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == GeneratedInstallation.class || type == Manifest.class || type == InstallationModel.class
                || type == SimulatedPlatform.class || type == ObjectStore.class || type == SearchNode.class
                || type == MinioClient.class || type == OpenSearchClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ClassState state = context.getStore(NS).get(ClassState.class, ClassState.class);
        if (state == null) {
            throw new ParameterResolutionException("No generated installation: the class is not annotated with "
                    + "@KaapanaInstallation, or its generation failed (see the class's failure)");
        }
        Backends backends = backends(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == GeneratedInstallation.class) {
            return state.installation();
        } else if (type == Manifest.class) {
            return state.installation().manifest();
        } else if (type == InstallationModel.class) {
            return state.installation().model();
        } else if (type == SimulatedPlatform.class) {
            return state.platform();
        } else if (type == ObjectStore.class) {
            return backends.objects();
        } else if (type == SearchNode.class) {
            return backends.search();
        } else if (type == MinioClient.class) {
            return backends.objects().client();
        } else {
            return backends.search().client();
        }
    }
}
