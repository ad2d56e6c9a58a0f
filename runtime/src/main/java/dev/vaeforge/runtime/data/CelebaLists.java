package dev.vaeforge.runtime.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses CelebA's list files. {@code list_attr_celeba.txt}: the number of images, a line of attribute
 * names (40 in CelebA), then one row per image, {@code <file> v1 .. vA}, values -1 or 1 (0 is read as
 * -1, as some re-exports write it). {@code list_eval_partition.txt}: one row per image, {@code <file> p}
 * with p = 0 (train), 1 (valid) or 2 (test). Fields are separated by any run of spaces or tabs.
 *
 * <p>A problem with the file as a whole (a malformed header, a row count that differs from the count on
 * line 1, a line without a file name) is a {@link DataFileException}. A problem with one row (wrong
 * number of values, a value other than -1/0/1, a file listed twice, a name that is not a plain file name)
 * is kept on the row, so the reader can report or skip that image like any other bad item.
 */
final class CelebaLists {
    static final String ATTRIBUTES = "list_attr_celeba.txt";
    static final String PARTITION = "list_eval_partition.txt";

    /** One row: its line number, attribute bits or partition, or what is wrong with it. */
    record Row(int line, long[] bits, int partition, String problem) {
    }

    /** A parsed list file. */
    record Parsed(Path file, List<String> attributeNames, Map<String, Row> rows) {
    }

    private CelebaLists() {
    }

    static Parsed attributes(Path file) throws IOException {
        String name = file.toString();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String first = r.readLine();
            if (first == null || first.isBlank()) {
                throw new DataFileException(name, "empty file; line 1 should be the number of images");
            }
            long declared;
            try {
                declared = Long.parseLong(first.strip());
            } catch (NumberFormatException e) {
                throw new DataFileException(name, "line 1 should be the number of images, got '" + clip(first) + "'");
            }
            String second = r.readLine();
            if (second == null) {
                throw new DataFileException(name, "line 2 should list the attribute names; the file ends after line 1");
            }
            List<String> names = List.of(fields(second));
            Set<String> unique = new HashSet<>();
            for (String n : names) {
                if (!n.matches("[A-Za-z0-9_]+") || !unique.add(n)) {
                    throw new DataFileException(name, "line 2 should list the attribute names (letters, digits and"
                            + " '_', each once), got '" + clip(n) + "'");
                }
            }
            if (names.isEmpty()) {
                throw new DataFileException(name, "line 2 should list the attribute names; it is empty");
            }
            int words = (names.size() + 63) / 64;
            Map<String, Row> rows = new HashMap<>();
            int lineNo = 2;
            long count = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                count++;
                String[] f = fields(line);
                String problem = null;
                long[] bits = new long[words];
                if (f.length != names.size() + 1) {
                    problem = ATTRIBUTES + " line " + lineNo + ": expected " + names.size() + " attribute values, found "
                            + (f.length - 1);
                } else {
                    for (int a = 0; a < names.size() && problem == null; a++) {
                        switch (f[a + 1]) {
                            case "1" -> bits[a / 64] |= 1L << (a % 64);
                            case "-1", "0" -> { }
                            default -> problem = ATTRIBUTES + " line " + lineNo + ": value '" + clip(f[a + 1])
                                    + "' for " + names.get(a) + " is not -1 or 1";
                        }
                    }
                }
                put(rows, f[0], new Row(lineNo, bits, -1, problem), ATTRIBUTES);
            }
            if (count != declared) {
                throw new DataFileException(name, "line 1 announces " + declared + " images but the file has "
                        + count + " rows" + (count < declared ? " (truncated?)" : ""));
            }
            return new Parsed(file, names, rows);
        }
    }

    static Parsed partition(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            Map<String, Row> rows = new HashMap<>();
            int lineNo = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = fields(line);
                int p = -1;
                String problem = null;
                if (f.length != 2) {
                    problem = PARTITION + " line " + lineNo + ": expected '<file> 0|1|2', found " + f.length + " fields";
                } else {
                    switch (f[1]) {
                        case "0" -> p = 0;
                        case "1" -> p = 1;
                        case "2" -> p = 2;
                        default -> problem = PARTITION + " line " + lineNo + ": partition '" + clip(f[1])
                                + "' is not 0 (train), 1 (valid) or 2 (test)";
                    }
                }
                put(rows, f[0], new Row(lineNo, null, p, problem), PARTITION);
            }
            if (rows.isEmpty()) {
                throw new DataFileException(file.toString(), "empty file; expected one '<file> 0|1|2' row per image");
            }
            return new Parsed(file, List.of(), rows);
        }
    }

    private static void put(Map<String, Row> rows, String file, Row row, String list) {
        Row old = rows.get(file);
        if (old != null) {
            rows.put(file, new Row(old.line(), old.bits(), old.partition(), list + ": " + clip(file) + " is listed"
                    + " twice (lines " + old.line() + " and " + row.line() + ")"));
            return;
        }
        if (file.contains("/") || file.contains("\\") || file.equals("..") || file.equals(".")) {
            row = new Row(row.line(), row.bits(), row.partition(), list + " line " + row.line() + ": '" + clip(file)
                    + "' is not a plain file name");
        }
        rows.put(file, row);
    }

    private static String[] fields(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSpace(line.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(line.substring(start, i));
            }
        }
        return out.toArray(new String[0]);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0b;
    }

    /** For messages: at most 40 characters, control characters as '?'. */
    static String clip(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("[\\x00-\\x1f\\x7f-\\x9f]", "?");
    }
}
