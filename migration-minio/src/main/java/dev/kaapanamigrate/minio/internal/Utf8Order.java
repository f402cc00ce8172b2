package dev.kaapanamigrate.minio.internal;

import java.util.Comparator;

/**
 * The order S3 lists keys in: the byte order of their UTF-8 encoding, which is the order of their Unicode code points
 * (Java's {@link String#compareTo} compares UTF-16 units and differs for characters above U+FFFF).
 */
public final class Utf8Order implements Comparator<String> {

    /** The order. */
    public static final Utf8Order INSTANCE = new Utf8Order();

    private Utf8Order() {
    }

    @Override
    public int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx == sy) {
                    return Character.compare(x, y); // same encoding length class: UTF-16 order is code point order
                }
                // A surrogate (a code point above U+FFFF) sorts after every BMP character.
                return sx ? 1 : -1;
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
