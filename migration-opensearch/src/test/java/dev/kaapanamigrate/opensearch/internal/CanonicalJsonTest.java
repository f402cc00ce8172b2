package dev.kaapanamigrate.opensearch.internal;

import dev.kaapanamigrate.core.SetDigest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tuned encoder and set digest give exactly the values of the straightforward version 1 code, so inventories taken
 * by an older build compare equal with new ones.
 */
class CanonicalJsonTest {

    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void theTunedEncoderHashesGeneratedJsonExactlyAsVersionOneDid() throws Exception {
        Random random = new Random(14);
        CanonicalJson tuned = new CanonicalJson();
        CanonicalJsonV1Reference reference = new CanonicalJsonV1Reference();
        List<String> samples = new ArrayList<>(List.of("{}", "[]", "null", "0", "-0", "-0.0", "1e400", "{\"a\":1,\"a\":2}",
                "{\"b\":1,\"a\":2,\"a\":1}", "\"\\ud800x\"", "\"\\udfff\\ud800\"", "\"\\ud83d\\ude00\"",
                "{\"\\uffff\":1,\"\\ud83d\\ude00\":2,\"é\":3,\"e\":4}"));
        for (int i = 0; i < 1000; i++) {
            StringBuilder b = new StringBuilder();
            value(random, b, 0);
            samples.add(b.toString());
        }
        for (String json : samples) {
            String expected = hex(reference.hash(parser(json)));
            // also with whitespace between the tokens and after the value
            JsonCursor cursor = new JsonCursor((json + " ,").getBytes(StandardCharsets.UTF_8));
            assertThat(hex(tuned.hash(cursor))).as(json).isEqualTo(expected);
            assertThat(cursor.next(']')).as("the cursor stops right after the value: " + json).isTrue();
            String spaced = json.replace(",", " ,\n").replace(":", "\t: ").replace("{", "{ ").replace("[", "[\r\n");
            if (!spaced.contains("\"")) { // the replacements must not touch the inside of strings
                assertThat(hex(tuned.hash(new JsonCursor(spaced.getBytes(StandardCharsets.UTF_8)))))
                        .as("spaced: " + spaced).isEqualTo(expected);
            }
        }
    }

    @Test
    void documentsSharingTheirKeySequenceHashAsVersionOneDidAlsoWhenAKeyDiffersBarely() throws Exception {
        CanonicalJson tuned = new CanonicalJson();
        CanonicalJsonV1Reference reference = new CanonicalJsonV1Reference();
        // one encoder for all, in this order: the sorted order of a root object's keys is reused for the next root
        // object with the same keys, so every near miss must sort afresh (and a nested object must not reuse it)
        List<String> documents = List.of(
                "{\"b\":1,\"a\":2,\"c\":3}",
                "{\"b\":4,\"a\":5,\"c\":{\"z\":1,\"y\":2}}",
                "{\"b\":{\"b\":1,\"a\":2,\"c\":3},\"a\":6,\"c\":7}",
                "{\"b\":1,\"a\":2,\"d\":3}",
                "{\"b\":1,\"a\":2,\"c\":3}",
                "{\"b\":1,\"ab\":2,\"c\":3}",
                "{\"b\":1,\"a\":2,\"c\":3}",
                "{\"b\":1,\"a\":2}",
                "{\"b\":1,\"a\":2,\"c\":3,\"\":4}",
                "{\"b\":1,\"\\u0061\":2,\"c\":3}",
                "{\"b\":1,\"é\":2,\"c\":3}",
                "{\"b\":1,\"é\":2,\"c\":3}",
                "{\"b\":1,\"a\":2,\"c\":3}",
                "[{\"b\":1,\"a\":2,\"c\":3},{\"c\":1,\"a\":2,\"b\":3}]",
                "{\"c\":1,\"a\":2,\"b\":3}",
                "{\"b\":1,\"a\":2,\"a\":3}",
                "{\"b\":1,\"a\":3,\"a\":2}",
                "{\"0000000E Series\":1,\"00000000 Timestamp_datetime\":2,\"00000000 TimestampArrived_date\":3}",
                "{\"0000000E Series\":1,\"00000000 Timestamp_datetime\":2,\"00000000 TimestampArrived_datf\":3}");
        for (String json : documents) {
            assertThat(hex(tuned.hash(new JsonCursor(json.getBytes(StandardCharsets.UTF_8)))))
                    .as(json).isEqualTo(hex(reference.hash(parser(json))));
        }
    }

    @Test
    void theByteReaderRefusesWhatTheParserRefuses() throws Exception {
        CanonicalJson tuned = new CanonicalJson();
        List<byte[]> malformed = new ArrayList<>();
        for (String json : List.of("{\"a\":1", "{\"a\" 1}", "{\"a\":01}", "[1.]", "[-]", "[.5]", "[1e]", "[tru]",
                "[nul]", "{\"a\":\"x}", "[\"\\q\"]", "[\"\\u12g4\"]", "[1 2]", "{\"a\":1,}", "[\"\u0001\"]",
                "{a:1}", "[+1]")) {
            malformed.add(json.getBytes(StandardCharsets.UTF_8));
        }
        malformed.add(new byte[] {'[', '"', (byte) 0xC3, '"', ']'}); // a lead byte without its continuation
        malformed.add(new byte[] {'[', '"', (byte) 0x80, '"', ']'}); // a continuation byte without a lead
        for (byte[] json : malformed) {
            String shown = new String(json, StandardCharsets.UTF_8);
            assertThatThrownBy(() -> tuned.hash(new JsonCursor(json))).as(shown).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> {
                JsonParser p = JSON.createParser(json);
                p.nextToken();
                new CanonicalJsonV1Reference().hash(p);
            }).as("the parser refuses it too: " + shown).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> tuned.hash(new JsonCursor(new byte[0]))).isInstanceOf(IOException.class)
                .hasMessageContaining("ends early");
    }

    @Test
    void plainDecimalsAreCanonicalisedAsBigDecimalDoes() {
        Random random = new Random(5);
        List<String> numbers = new ArrayList<>(List.of("0", "-0", "0.0", "-0.000", "10", "100", "10.0", "1.50",
                "0.05", "-0.050", "123456789012345678901234567890", "0.000000000000000000000000000000001",
                "99999999999999999999999999999999999999.9", "1.", ".5", "01", "00.1", "-", "1e5", "1E-3", "+1", "1.2.3",
                "12345678901234567890123456789012345678901", "-1234567890123456789012345678901234567890"));
        for (int i = 0; i < 20000; i++) {
            numbers.add(number(random));
        }
        for (String n : numbers) {
            String plain = CanonicalJson.plainDecimal(n);
            if (plain != null) {
                assertThat(plain).as(n).isEqualTo(CanonicalJsonV1Reference.canonicalNumber(n));
            }
            if (isJsonNumber(n)) {
                assertThat(CanonicalJson.canonicalNumber(n)).as(n).isEqualTo(CanonicalJsonV1Reference.canonicalNumber(n));
            }
        }
        assertThat(CanonicalJson.plainDecimal("1.50")).isEqualTo("1.5");
        assertThat(CanonicalJson.plainDecimal("1e5")).as("exponents take the BigDecimal path").isNull();
    }

    @Test
    void setDigestShortcutsAgreeWithTheGeneralItemForm() {
        SetDigest general = new SetDigest();
        SetDigest shortcut = new SetDigest();
        SetDigest ids = new SetDigest();
        SetDigest idShortcut = new SetDigest();
        SetDigest half = new SetDigest();
        SetDigest otherHalf = new SetDigest();
        Random random = new Random(7);
        for (int i = 0; i < 2000; i++) {
            String id = i % 50 == 0 ? "é-" + i + "-\ud83d\ude00" : "1.2.826.0.1." + random.nextInt(1_000_000) + "." + i;
            byte[] hash = new byte[CanonicalJson.HASH_BYTES];
            random.nextBytes(hash);
            general.add(id, SetDigest.hex(hash));
            shortcut.addIdAndHash(id.getBytes(StandardCharsets.UTF_8), hash);
            ids.add(id);
            idShortcut.addId(id.getBytes(StandardCharsets.UTF_8));
            (i % 2 == 0 ? half : otherHalf).addIdAndHash(id, hash);
        }
        assertThat(shortcut.hex()).isEqualTo(general.hex());
        assertThat(idShortcut.hex()).isEqualTo(ids.hex()).isNotEqualTo(general.hex());
        half.addAll(otherHalf);
        assertThat(half.hex()).isEqualTo(general.hex());
        assertThat(half.count()).isEqualTo(2000);
    }

    private static boolean isJsonNumber(String n) {
        return n.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    }

    private static JsonParser parser(String json) throws Exception {
        JsonParser p = JSON.createParser(json.getBytes(StandardCharsets.UTF_8));
        p.nextToken();
        return p;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String number(Random r) {
        StringBuilder b = new StringBuilder();
        if (r.nextBoolean()) {
            b.append('-');
        }
        int intDigits = 1 + r.nextInt(r.nextInt(10) == 0 ? 45 : 6);
        b.append(r.nextInt(4) == 0 ? '0' : (char) ('1' + r.nextInt(9)));
        if (b.charAt(b.length() - 1) != '0') {
            for (int i = 1; i < intDigits; i++) {
                b.append((char) ('0' + (r.nextInt(3) == 0 ? 0 : r.nextInt(10))));
            }
        }
        if (r.nextBoolean()) {
            b.append('.');
            int frac = 1 + r.nextInt(r.nextInt(10) == 0 ? 45 : 6);
            for (int i = 0; i < frac; i++) {
                b.append((char) ('0' + (r.nextInt(2) == 0 ? 0 : r.nextInt(10))));
            }
        }
        if (r.nextInt(6) == 0) {
            b.append(r.nextBoolean() ? 'e' : 'E').append(r.nextBoolean() ? "-" : r.nextBoolean() ? "+" : "")
                    .append(r.nextInt(r.nextBoolean() ? 5 : 200));
        }
        return b.toString();
    }

    private static final String[] KEYS = {"a", "b", "B", "aa", "0020000E SeriesInstanceUID_keyword",
        "0020000D StudyInstanceUID_keyword", "0020000E SeriesDate_date", "0020000E Series", "é", "e", "z",
        "\\u00ff", "\\ud83d\\ude00", "\\uffff", "", "x y", "_id"};

    private static void value(Random r, StringBuilder b, int depth) {
        int kind = r.nextInt(depth > 3 ? 5 : 8);
        switch (kind) {
            case 0 -> string(r, b);
            case 1 -> b.append(number(r));
            case 2 -> b.append(r.nextBoolean() ? "true" : "false");
            case 3 -> b.append("null");
            case 4 -> b.append(r.nextInt(1000));
            case 5, 6 -> {
                b.append('{');
                int n = r.nextInt(r.nextInt(8) == 0 ? 40 : 6);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append('"').append(r.nextInt(3) == 0 ? "k" + r.nextInt(200) : KEYS[r.nextInt(KEYS.length)])
                            .append("\":");
                    value(r, b, depth + 1);
                }
                b.append('}');
            }
            default -> {
                b.append('[');
                int n = r.nextInt(r.nextInt(10) == 0 ? 300 : 5);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    value(r, b, depth + 1);
                }
                b.append(']');
            }
        }
    }

    private static void string(Random r, StringBuilder b) {
        b.append('"');
        int n = r.nextInt(r.nextInt(40) == 0 ? 3000 : 40);
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(40);
            switch (c) {
                case 0 -> b.append("\\\"");
                case 1 -> b.append("\\\\");
                case 2 -> b.append("\\n");
                case 3 -> b.append("é");
                case 4 -> b.append("\\u0001");
                case 5 -> b.append("\ud83d\ude00");
                case 6 -> b.append("\\ud800");
                case 7 -> b.append("中");
                case 8 -> b.append("\\u00e9");
                default -> b.append((char) ('a' + r.nextInt(26)));
            }
        }
        b.append('"');
    }
}
