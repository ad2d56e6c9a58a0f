package dev.vaeforge.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** The one Jackson configuration for every JSON file vaeforge writes or reads. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code file} as {@code type}; a malformed file or a field of the wrong type becomes a
     * {@link VaeforgeException} naming the file and the JSON path of the field.
     */
    public static <T> T read(Path file, Class<T> type, VaeforgeException.Code code) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VaeforgeException(code, file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return parse(text, type, file.toString(), code);
    }

    public static <T> T parse(String text, Class<T> type, String source, VaeforgeException.Code code) {
        try {
            T value = MAPPER.readValue(text, type);
            if (value == null) {
                throw new VaeforgeException(code, source + ": empty JSON document, expected a " + type.getSimpleName());
            }
            return value;
        } catch (JsonMappingException e) {
            String path = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
            throw new VaeforgeException(code, source + ": " + (path.isEmpty() ? "" : "field '" + path + "': ") + why, e);
        } catch (JsonProcessingException e) {
            throw new VaeforgeException(code, source + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
    }
}
