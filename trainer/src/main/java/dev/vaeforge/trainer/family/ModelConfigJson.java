package dev.vaeforge.trainer.family;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vaeforge.runtime.VaeforgeException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON form of a {@link ModelConfig}: {@code {"family": id, <the architecture's fields>, <the
 * family's fields>}}, flat as run directories have always had it (a family that does not use
 * latentDim leaves it out). Reading takes that form, or one with the architecture nested under
 * "architecture", and finds the record type through {@link FamilyRegistry} by the "family" id.
 */
public final class ModelConfigJson {
    static final String FAMILY = "family";
    static final String ARCHITECTURE = "architecture";
    private static final List<String> ARCHITECTURE_FIELDS = componentNames(Architecture.class);

    private ModelConfigJson() {
    }

    /** Writes the flat form, fields in record component order. */
    public static final class Writer extends JsonSerializer<ModelConfig> {
        @Override
        public void serialize(ModelConfig config, JsonGenerator gen, SerializerProvider provider) throws IOException {
            Family<ModelConfig> family = FamilyRegistry.of(config);
            gen.writeStartObject();
            gen.writeStringField(FAMILY, family.id());
            for (RecordComponent c : components(config.getClass())) {
                Object value = read(c, config);
                if (value instanceof Architecture a) {
                    for (RecordComponent ac : components(Architecture.class)) {
                        if (ac.getName().equals("latentDim") && !family.usesLatentDim()) {
                            continue;
                        }
                        if (ac.getName().equals("prior") && !a.prior().learned()) {
                            continue; // runs before learned priors had none, and read back as standard
                        }
                        if (ac.getName().equals("posterior") && !a.posterior().flow()) {
                            continue; // likewise: runs before flow posteriors read back as Gaussian
                        }
                        provider.defaultSerializeField(ac.getName(), read(ac, a), gen);
                    }
                } else {
                    provider.defaultSerializeField(c.getName(), value, gen);
                }
            }
            gen.writeEndObject();
        }
    }

    /** Reads the flat or the nested form. */
    public static final class Reader extends JsonDeserializer<ModelConfig> {
        @Override
        public ModelConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            ObjectCodec codec = p.getCodec();
            JsonNode node = ctxt.readTree(p);
            if (!node.isObject()) {
                throw ctxt.weirdStringException(node.toString(), ModelConfig.class,
                        "a model config is a JSON object with a \"family\" field");
            }
            JsonNode id = node.get(FAMILY);
            if (id == null || !id.isTextual()) {
                throw com.fasterxml.jackson.databind.exc.InvalidTypeIdException.from(p,
                        "the model config has no \"family\" field (one of " + String.join(", ", FamilyRegistry.ids())
                                + ")", ctxt.constructType(ModelConfig.class), null);
            }
            Family<?> family;
            try {
                family = FamilyRegistry.get(id.asText());
            } catch (VaeforgeException e) {
                throw com.fasterxml.jackson.databind.exc.InvalidTypeIdException.from(p, e.getMessage(),
                        ctxt.constructType(ModelConfig.class), id.asText());
            }
            ObjectNode rest = ((ObjectNode) node).deepCopy();
            rest.remove(FAMILY);
            if (!rest.has(ARCHITECTURE)) {
                ObjectNode arch = rest.objectNode();
                for (String f : ARCHITECTURE_FIELDS) {
                    JsonNode v = rest.remove(f);
                    if (v != null) {
                        arch.set(f, v);
                    }
                }
                rest.set(ARCHITECTURE, arch);
            }
            JsonNode arch = rest.get(ARCHITECTURE);
            if (arch instanceof ObjectNode a && !a.has("latentDim") && !family.usesLatentDim()) {
                a.put("latentDim", 1); // unused by the family, so never written
            }
            return construct(p, ctxt, codec, rest, family.configType());
        }
    }

    /**
     * The record from its fields through its canonical constructor (which validates and fills in
     * defaults); absent fields are null, or 0 / false for primitives.
     */
    private static <C> C construct(JsonParser p, DeserializationContext ctxt, ObjectCodec codec, ObjectNode fields,
                                   Class<C> type) throws IOException {
        List<RecordComponent> cs = components(type);
        Object[] args = new Object[cs.size()];
        Class<?>[] types = new Class<?>[cs.size()];
        for (int i = 0; i < cs.size(); i++) {
            RecordComponent c = cs.get(i);
            types[i] = c.getType();
            JsonNode v = fields.get(c.getName());
            if (v == null || v.isNull()) {
                args[i] = defaultValue(c.getType());
            } else if (c.getType() == Architecture.class && v.isObject()) {
                args[i] = construct(p, ctxt, codec, (ObjectNode) v, Architecture.class);
            } else {
                JavaType t = ctxt.getTypeFactory().constructType(c.getGenericType());
                try (JsonParser vp = codec.treeAsTokens(v)) {
                    vp.nextToken();
                    args[i] = ctxt.readValue(vp, t);
                }
            }
        }
        Iterator<String> names = fields.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (cs.stream().noneMatch(c -> c.getName().equals(n))) {
                throw UnrecognizedPropertyException.from(p, type, n, new ArrayList<Object>(componentNames(type)));
            }
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw ValueInstantiationException.from(p, "invalid " + type.getSimpleName() + ": " + cause.getMessage(),
                    ctxt.constructType(type), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private static Object defaultValue(Class<?> type) {
        if (type == int.class) {
            return 0;
        } else if (type == long.class) {
            return 0L;
        } else if (type == double.class) {
            return 0.0;
        } else if (type == float.class) {
            return 0f;
        } else if (type == boolean.class) {
            return false;
        }
        return null;
    }

    private static List<RecordComponent> components(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record; model configs are records");
        }
        return List.of(type.getRecordComponents());
    }

    private static List<String> componentNames(Class<?> type) {
        return components(type).stream().map(RecordComponent::getName).toList();
    }

    private static Object read(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c + " of " + record.getClass().getName(), e);
        }
    }
}
