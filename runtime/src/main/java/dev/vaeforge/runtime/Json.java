package dev.vaeforge.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The one JSON configuration for everything the trainer persists: pretty printed with "\n" line
 * ends (files diff cleanly), unknown fields rejected (a typo in a config must not silently fall back
 * to a default), and Jackson's exceptions turned into one-line messages naming the file, the JSON
 * path and what was expected.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // FAIL_ON_NULL_FOR_PRIMITIVES stays off: records read a missing primitive as 0, which the
            // config records map to their defaults (VaeConfig.gaussianSigma)
            // a diverged loss is written as "NaN" rather than breaking the metrics file
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .defaultPrettyPrinter(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")))
            .build();
    private static final ObjectWriter PRETTY = MAPPER.writer();
    private static final ObjectWriter LINE = MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** The shared mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Pretty-printed JSON ending with a newline. */
    public static String write(Object value) {
        try {
            return PRETTY.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Compact single-line JSON without a newline, for JSON-lines files. */
    public static String writeLine(Object value) {
        try {
            return LINE.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses {@code json} as a {@code type}.
     *
     * @param source what the text is, for messages (a file name, "--config", ...)
     * @throws IllegalArgumentException with a message naming the source, the JSON path and the problem
     */
    public static <T> T parse(String json, Class<T> type, String source) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(describe(source, e), e);
        }
    }

    /** Reads a JSON file; a missing file or bad content is an IOException whose message names the file. */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "file is missing");
        }
        try {
            return parse(text, type, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
    }

    /** Turns a Jackson exception into "SOURCE: PROBLEM at $.path". */
    /**
     * Reads {@code file} as {@code type}; a missing, unreadable or malformed file becomes a
     * {@link VaeforgeException} with {@code code} whose message names the file and the field.
     */
    public static <T> T read(Path file, Class<T> type, VaeforgeException.Code code) {
        try {
            return read(file, type);
        } catch (NoSuchFileException e) {
            throw new VaeforgeException(code, file + ": file is missing", e);
        } catch (IOException e) {
            throw new VaeforgeException(code, e.getMessage(), e);
        }
    }

    static String describe(String source, JsonProcessingException e) {
        String at = e instanceof JsonMappingException m ? path(m) : "$";
        if (e instanceof UnrecognizedPropertyException u) {
            // the path ends with the unknown field itself; name the object that holds it
            String in = at.endsWith("." + u.getPropertyName())
                    ? at.substring(0, at.length() - u.getPropertyName().length() - 1) : at;
            return source + ": unknown field '" + u.getPropertyName() + "' in " + in + "; expected one of "
                    + names(u.getKnownPropertyIds());
        }
        if (e instanceof InvalidTypeIdException t) {
            return source + ": unknown type '" + t.getTypeId() + "' at " + at + " (" + t.getOriginalMessage().split("\n")[0]
                    + ")";
        }
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            return source + ": invalid value at " + at + ": " + v.getCause().getMessage();
        }
        JsonParseException syntax = syntaxError(e);
        if (syntax == null) {
            return source + ": " + firstLine(e.getOriginalMessage()) + " at " + at;
        }
        JsonLocation loc = syntax.getLocation();
        String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        return source + ": not valid JSON" + where + ": " + firstLine(syntax.getOriginalMessage());
    }

    /** The low-level syntax error behind {@code e}, which databind may have wrapped, or null. */
    private static JsonParseException syntaxError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonParseException p) {
                return p;
            }
        }
        return null;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder("$");
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String names(Collection<Object> ids) {
        TreeSet<String> sorted = new TreeSet<>();
        if (ids != null) {
            ids.forEach(id -> sorted.add(String.valueOf(id)));
        }
        return sorted.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
