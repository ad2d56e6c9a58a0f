package dev.vaeforge.runtime.condition;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the condition vector y of a conditional model holds. */
public enum ConditionKind {
    /** One class per image: y is one-hot over the class names (shapes' square/ellipse/heart, folder sub-folders). */
    LABELS,
    /** Any number of binary attributes per image: y is multi-hot over the attribute names (CelebA's 40). */
    ATTRIBUTES;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ConditionKind parse(String s) {
        for (ConditionKind k : values()) {
            if (k.id().equalsIgnoreCase(s == null ? "" : s.strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown conditioning '" + s + "', expected labels or attributes");
    }
}
