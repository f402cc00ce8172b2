package dev.kaapanamigrate.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Generates a Kaapana 0.4.x installation once for the annotated test class and injects handles to it into
 * test methods, lifecycle methods and constructors: {@link GeneratedInstallation}, {@link Manifest},
 * {@link InstallationModel}, {@link SimulatedPlatform} (database servers per platform state, and a
 * {@code PlatformControl}), {@code ObjectStore}, {@code SearchNode}, {@code MinioClient},
 * {@code OpenSearchClient}. Everything is removed after the class, even when tests fail. Backends are
 * embedded or Testcontainers, chosen by the system property {@code kaapana.testkit.backends}
 * ({@code auto|embedded|containers}).
 *
 * <pre>{@code
 * @KaapanaInstallation(size = InstallationSize.SMALL)
 * class MyMigrationIT {
 *     @Test
 *     void migrates(GeneratedInstallation install, SimulatedPlatform platform) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KaapanaInstallationExtension.class)
public @interface KaapanaInstallation {

    /**
     * The preset size.
     *
     * @return the size
     */
    InstallationSize size() default InstallationSize.SMALL;

    /**
     * The seed; the preset's seed when negative.
     *
     * @return the seed
     */
    long seed() default -1;
}
