package dev.vaeforge.runtime.condition;

import dev.vaeforge.runtime.bundle.Manifest;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The condition input y[N,A] of a conditional model: its kind and the name of each of its A
 * entries, in order. Labels: entry i is 1 for class i and 0 otherwise. Attributes: entry i is 1 where
 * the image has attribute i. The manifest stores it as {@code conditioning: {type, names}}.
 */
public record ConditionSpec(ConditionKind kind, List<String> names) {
    /** More would make a [N, A] input larger than any image we train on; CelebA has 40. */
    public static final int MAX_NAMES = 4096;

    public ConditionSpec {
        Objects.requireNonNull(kind, "condition kind");
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException("a " + kind.id() + " condition needs at least one name, got none");
        }
        if (kind == ConditionKind.LABELS && names.size() < 2) {
            throw new IllegalArgumentException("a labels condition needs at least two classes, got " + names);
        }
        if (names.size() > MAX_NAMES) {
            throw new IllegalArgumentException("a condition may have at most " + MAX_NAMES + " names, got " + names.size());
        }
        Set<String> seen = new HashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank() || !n.equals(n.strip()) || n.contains(",") || n.contains("=")) {
                throw new IllegalArgumentException("condition name '" + n + "' must be non-blank, without surrounding"
                        + " spaces, commas or '='");
            }
            if (!seen.add(n)) {
                throw new IllegalArgumentException("condition name '" + n + "' appears twice in " + names);
            }
        }
        names = List.copyOf(names);
    }

    /** A = the width of the y input. */
    public int dim() {
        return names.size();
    }

    /** The manifest's form of a bundle's conditioning; a bad one is an IllegalArgumentException naming the problem. */
    public static ConditionSpec of(Manifest.Conditioning c) {
        return new ConditionSpec(ConditionKind.parse(c.type()), c.names());
    }

    public Manifest.Conditioning toManifest() {
        return new Manifest.Conditioning(kind.id(), names);
    }

    /** "labels (0=square, 1=ellipse, 2=heart)" or "attributes (Smiling, Eyeglasses)", for messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder(kind.id()).append(" (");
        for (int i = 0; i < names.size(); i++) {
            sb.append(i > 0 ? ", " : "");
            if (kind == ConditionKind.LABELS) {
                sb.append(i).append('=');
            }
            sb.append(names.get(i));
        }
        return sb.append(')').toString();
    }
}
