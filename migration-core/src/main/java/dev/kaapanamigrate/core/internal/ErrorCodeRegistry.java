package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/** The error codes of every module on the class path, by code string; loaded once. */
public final class ErrorCodeRegistry {

    private static volatile Map<String, ErrorCode> known;

    private ErrorCodeRegistry() {
    }

    /**
     * The known code with this string, or an {@link Unknown} one.
     *
     * @param code the code string
     * @return the code
     */
    public static ErrorCode lookup(String code) {
        Objects.requireNonNull(code, "code");
        ErrorCode found = known().get(code);
        return found != null ? found : new Unknown(code);
    }

    /**
     * Every known code by its string.
     *
     * @return the codes
     * @throws IllegalStateException when two modules use the same code string
     */
    public static Map<String, ErrorCode> known() {
        Map<String, ErrorCode> map = known;
        if (map == null) {
            map = new LinkedHashMap<>();
            add(map, List.of(CoreErrorCode.values()));
            for (ErrorCode.Catalog catalog : ServiceLoader.load(ErrorCode.Catalog.class, ErrorCode.class.getClassLoader())) {
                add(map, catalog.codes());
            }
            known = Map.copyOf(map);
            map = known;
        }
        return map;
    }

    private static void add(Map<String, ErrorCode> map, java.util.Collection<? extends ErrorCode> codes) {
        for (ErrorCode code : codes) {
            ErrorCode before = map.putIfAbsent(code.code(), code);
            if (before != null && before != code) {
                throw new IllegalStateException("Two error codes share the string '" + code.code() + "': "
                        + before.getClass().getName() + " and " + code.getClass().getName()
                        + "; each module must prefix its codes with its own name");
            }
        }
    }

    /**
     * A code that no module on the class path defines, kept by its string (read from a report of a newer version).
     *
     * @param code the code string
     */
    public record Unknown(String code) implements ErrorCode {
        @Override
        public String summary() {
            return "An error code this version of kaapana-migrate does not know (" + code + ").";
        }

        @Override
        public String remedy() {
            return "Read the report with the kaapana-migrate version that wrote it.";
        }

        @Override
        public String toString() {
            return code;
        }
    }
}
