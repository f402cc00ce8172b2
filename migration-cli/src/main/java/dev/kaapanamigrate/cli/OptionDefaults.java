package dev.kaapanamigrate.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Default values of options from the environment ({@code KAAPANA_MIGRATE_FAST_DATA_DIR} for {@code --fast-data-dir})
 * and from a properties file named by {@code KAAPANA_MIGRATE_CONFIG} ({@code fast-data-dir=/home/kaapana}); the
 * command line wins over both, the environment over the file. Secrets are never options, so never read here.
 */
final class OptionDefaults implements CommandLine.IDefaultValueProvider {

    static final String CONFIG_VARIABLE = "KAAPANA_MIGRATE_CONFIG";

    private final Map<String, String> env;
    private Properties file;

    OptionDefaults(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String defaultValue(ArgSpec arg) throws IOException {
        // hidden options are the refused secret arguments: KAAPANA_MIGRATE_MINIO_SECRET_KEY must not become one
        if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--") || option.hidden()) {
            return null;
        }
        String key = option.longestName().substring(2);
        String fromEnv = env.get("KAAPANA_MIGRATE_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return properties().getProperty(key);
    }

    private Properties properties() throws IOException {
        if (file == null) {
            Properties p = new Properties();
            String path = env.get(CONFIG_VARIABLE);
            if (path != null && !path.isBlank()) {
                Path f = Path.of(path);
                if (!Files.isReadable(f)) {
                    throw new IOException("the options file " + f + " named by " + CONFIG_VARIABLE + " cannot be read; "
                            + "expected a properties file (fast-data-dir=/home/kaapana); fix the path or unset "
                            + CONFIG_VARIABLE);
                }
                try (Reader r = Files.newBufferedReader(f)) {
                    p.load(r);
                }
            }
            file = p;
        }
        return file;
    }
}
