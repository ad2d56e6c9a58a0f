package dev.vaeforge.trainer.family;

import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One train parameter of a family, e.g. beta-vae's "beta". The CLI offers each as {@code --<name>}.
 * Texts name other parameters as {@code {name}}; {@link #description(UnaryOperator)} renders them
 * (the CLI as flags, {@link #description()} as plain names).
 *
 * @param name lower-case words joined by '-', unique across all families
 * @param type the value's type
 * @param label the value's placeholder in help, e.g. "B" (null for a {@link Type#SWITCH})
 * @param description what it does, starting with the family's id and a colon, as help lists it
 * @param defaultText the default in words ("4", "the whole run ({epochs} epochs)"), or null for none shown
 */
public record FamilyParameter(String name, Type type, String label, String description, String defaultText) {
    /** The value types, as the CLI parses them. */
    public enum Type {
        /** a floating-point number (Double) */
        NUMBER,
        /** an integer (Integer) */
        INTEGER,
        /** a word or phrase (String) */
        TEXT,
        /** present or absent, no value (Boolean.TRUE when given) */
        SWITCH,
        /** comma-separated integers (List of Integer) */
        INTEGERS,
        /** comma-separated words (List of String) */
        TEXTS;

        /** The Java type of a value. */
        public Class<?> javaType() {
            return switch (this) {
                case NUMBER -> Double.class;
                case INTEGER -> Integer.class;
                case TEXT -> String.class;
                case SWITCH -> Boolean.class;
                case INTEGERS, TEXTS -> java.util.List.class;
            };
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern REFERENCE = Pattern.compile("\\{([a-z][a-z0-9-]*)}");

    public FamilyParameter {
        Objects.requireNonNull(type, "type");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name must be lower-case words joined by '-', got " + name);
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("parameter " + name + " needs a description");
        }
    }

    public static FamilyParameter of(String name, Type type, String label, String description, String defaultText) {
        return new FamilyParameter(name, type, label, description, defaultText);
    }

    /** The description with each {name} written as {@code style.apply(name)}, then "Default: ..." where there is one. */
    public String description(UnaryOperator<String> style) {
        String d = render(description, style);
        return defaultText == null ? d : d + " Default: " + render(defaultText, style) + ".";
    }

    /** {@link #description(UnaryOperator)} with plain parameter names. */
    public String plainDescription() {
        return description(UnaryOperator.identity());
    }

    private static String render(String text, UnaryOperator<String> style) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(style.apply(m.group(1))));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
