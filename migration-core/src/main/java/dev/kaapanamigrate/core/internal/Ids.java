package dev.kaapanamigrate.core.internal;

import java.util.regex.Pattern;

/** The one rule for stable names (step ids, context keys): lower-case words separated by '.' or '-'. */
public final class Ids {

    private static final Pattern STABLE_NAME = Pattern.compile("[a-z0-9]+([.-][a-z0-9]+)*");

    private Ids() {
    }

    /**
     * Whether a name follows the rule.
     *
     * @param name the name, may be {@code null}
     * @return {@code true} when valid
     */
    public static boolean isStableName(String name) {
        return name != null && STABLE_NAME.matcher(name).matches();
    }
}
