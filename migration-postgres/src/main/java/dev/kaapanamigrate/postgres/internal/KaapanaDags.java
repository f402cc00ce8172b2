package dev.kaapanamigrate.postgres.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * DAG id facts of Kaapana 0.4 → 0.5.2: the two renamed DAGs (migration reference §11) and the 41 DAG ids of
 * 0.5.2's {@code default_software.json}, which 0.5.2 maps to every project (shipped as the resource
 * {@code default-software-0.5.2.txt}, copied from upstream).
 */
public final class KaapanaDags {

    /** Old id → new id, in the reference's order. */
    public static final Map<String, String> RENAMES;

    static {
        Map<String, String> renames = new LinkedHashMap<>();
        renames.put("convert-nifitis-to-dicoms-and-import-to-pacs", "import-niftis-from-data-upload");
        renames.put("import-dicoms-in-zip-to-internal-pacs", "import-dicoms-from-data-upload");
        RENAMES = java.util.Collections.unmodifiableMap(renames);
    }

    private static final String DEFAULT_SOFTWARE_RESOURCE = "/dev/kaapanamigrate/postgres/default-software-0.5.2.txt";
    private static final Set<String> DEFAULT_SOFTWARE = readDefaultSoftware();

    private KaapanaDags() {
    }

    /**
     * The DAG ids 0.5.2 maps to every project, in upstream's order.
     *
     * @return 41 ids
     */
    public static Set<String> defaultSoftware() {
        return DEFAULT_SOFTWARE;
    }

    /**
     * The id a DAG has in 0.5: the new id of a renamed DAG, otherwise the id itself.
     *
     * @param dagId a DAG id as 0.4 stored it
     * @return the 0.5 id
     */
    public static String in05(String dagId) {
        return RENAMES.getOrDefault(dagId, dagId);
    }

    /**
     * The old ids, as an array for a bind parameter.
     *
     * @return the old ids
     */
    public static String[] oldIds() {
        return RENAMES.keySet().toArray(String[]::new);
    }

    /**
     * The new ids, in the order of {@link #oldIds()}.
     *
     * @return the new ids
     */
    public static String[] newIds() {
        return RENAMES.values().toArray(String[]::new);
    }

    private static Set<String> readDefaultSoftware() {
        try (InputStream in = KaapanaDags.class.getResourceAsStream(DEFAULT_SOFTWARE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DEFAULT_SOFTWARE_RESOURCE + " is missing from the jar");
            }
            Set<String> ids = new LinkedHashSet<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String id = line.strip();
                if (!id.isEmpty() && !id.startsWith("#")) {
                    ids.add(id);
                }
            }
            return java.util.Collections.unmodifiableSet(ids);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
