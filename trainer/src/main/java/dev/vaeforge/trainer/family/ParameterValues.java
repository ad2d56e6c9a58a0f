package dev.vaeforge.trainer.family;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The train parameters given for a run, by name (absent = not given: the family's default). Values
 * have the Java type of their {@link FamilyParameter.Type}.
 */
public final class ParameterValues {
    private final Map<String, Object> values;

    public ParameterValues(Map<String, ?> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        this.values = Collections.unmodifiableMap(m);
    }

    public static ParameterValues none() {
        return new ParameterValues(Map.of());
    }

    /** The given values, in the order given. */
    public Map<String, Object> asMap() {
        return values;
    }

    public boolean given(String name) {
        return values.containsKey(name);
    }

    public Double number(String name) {
        Object v = values.get(name);
        return v == null ? null : ((Number) v).doubleValue();
    }

    public Integer integer(String name) {
        return (Integer) values.get(name);
    }

    public String text(String name) {
        return (String) values.get(name);
    }

    /** Whether a switch was given. */
    public boolean isSet(String name) {
        return Boolean.TRUE.equals(values.get(name));
    }

    @SuppressWarnings("unchecked")
    public List<Integer> integers(String name) {
        return (List<Integer>) values.get(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> texts(String name) {
        return (List<String>) values.get(name);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
