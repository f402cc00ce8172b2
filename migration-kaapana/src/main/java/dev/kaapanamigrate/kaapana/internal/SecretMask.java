package dev.kaapanamigrate.kaapana.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from command lines and command output before they are logged, kept or reported: the values given
 * (a registry password), the value after a password option ({@code --password x}, {@code -p x}, {@code --password=x}),
 * and whatever follows a word such as {@code password} or {@code token} and a {@code :} or {@code =} ({@code password:
 * kaapana}, {@code CONTAINER_REGISTRY_PASSWORD="x"}), a bearer token, and the password of a URL ({@code
 * https://user:secret@host}). Masking more than needed is harmless; a secret in a report is not.
 */
public final class SecretMask {

    /** What a secret is replaced by. */
    public static final String MASK = "****";

    private static final Set<String> SECRET_OPTIONS = Set.of("--password", "-p", "--token", "--client-secret",
            "--registry-password", "--secret");
    private static final Pattern ASSIGNED = Pattern.compile(
            "(?i)((?:password|passwd|passphrase|secret|token|api[_-]?key)[A-Za-z_]*\"?'?\\s*[:=]\\s*\"?'?)([^\\s\"',;]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)([A-Za-z0-9._~+/=-]+)");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/\\s:@]+:)([^/\\s@]+)(@)");

    private final List<String> secrets;

    private SecretMask(List<String> secrets) {
        this.secrets = secrets;
    }

    /**
     * A mask for these literal secrets (and the patterns, always).
     *
     * @param secrets the values to hide wherever they occur; values shorter than 3 characters are left to the patterns
     * @return the mask
     */
    public static SecretMask of(List<String> secrets) {
        List<String> usable = new ArrayList<>();
        for (String s : secrets) {
            if (s != null && s.length() >= 3 && !usable.contains(s)) {
                usable.add(s);
            }
        }
        usable.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMask(List.copyOf(usable));
    }

    /**
     * Hides the secrets in a text.
     *
     * @param text the text, or {@code null}
     * @return the text without secrets ({@code null} stays {@code null})
     */
    public String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        out = replaceGroup(ASSIGNED, out);
        out = replaceGroup(BEARER, out);
        Matcher url = URL_PASSWORD.matcher(out);
        out = url.replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + m.group(3)));
        return out;
    }

    /**
     * Hides the secrets in a command line: the value after a password option, and every literal secret.
     *
     * @param command the program and its arguments
     * @return the masked copy
     */
    public List<String> maskArguments(List<String> command) {
        List<String> out = new ArrayList<>(command.size());
        boolean next = false;
        for (String arg : command) {
            if (next) {
                out.add(MASK);
                next = false;
                continue;
            }
            String lower = arg.toLowerCase(Locale.ROOT);
            int eq = arg.indexOf('=');
            if (eq > 0 && SECRET_OPTIONS.contains(lower.substring(0, eq))) {
                out.add(arg.substring(0, eq + 1) + MASK);
                continue;
            }
            next = SECRET_OPTIONS.contains(lower);
            out.add(mask(arg));
        }
        return List.copyOf(out);
    }

    private static String replaceGroup(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + MASK));
    }
}
