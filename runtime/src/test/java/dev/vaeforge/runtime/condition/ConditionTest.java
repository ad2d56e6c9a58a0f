package dev.vaeforge.runtime.condition;

import dev.vaeforge.runtime.VaeforgeException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.data.ArrayDataset;
import dev.vaeforge.runtime.data.ImageShape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conditions chosen by users and read from datasets; every refusal names the allowed values. */
class ConditionTest {
    static final ConditionSpec LABELS = new ConditionSpec(ConditionKind.LABELS, List.of("square", "ellipse", "heart"));
    static final ConditionSpec ATTRS = new ConditionSpec(ConditionKind.ATTRIBUTES, List.of("Smiling", "Eyeglasses", "Male"));

    @Test
    void labelsByIndexOrName() {
        assertArrayEquals(new float[] {0, 0, 1}, Condition.label(LABELS, "2").vector());
        assertArrayEquals(new float[] {0, 1, 0}, Condition.label(LABELS, "ellipse").vector());
        assertEquals("label 2 (heart)", Condition.label(LABELS, " heart ").toString());
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 0}, Condition.label(LABELS, "0").repeat(2));
        VaeforgeException e = assertThrows(VaeforgeException.class, () -> Condition.label(LABELS, "3"));
        assertEquals("label 3: not a class of the model; allowed: 0..2 or a name: labels (0=square, 1=ellipse, 2=heart)",
                e.getMessage());
        e = assertThrows(VaeforgeException.class, () -> Condition.label(LABELS, "-1"));
        assertTrue(e.getMessage().startsWith("label -1: not a class"), e.getMessage());
        assertEquals(List.of("label"), e.parameters());
        e = assertThrows(VaeforgeException.class, () -> Condition.label(ATTRS, "1"));
        assertTrue(e.getMessage().contains("not on labels; use condition"), e.getMessage());
    }

    @Test
    void attributesByName() {
        assertArrayEquals(new float[] {1, 0, 0}, Condition.attributes(ATTRS, "Smiling=1,Eyeglasses=0").vector());
        assertArrayEquals(new float[] {0, 0, 1}, Condition.attributes(ATTRS, " Male = 1 ").vector());
        assertArrayEquals(new float[] {0, 0, 0}, Condition.none(ATTRS).vector());
        assertEquals("Smiling=1, Male=1", Condition.attributes(ATTRS, "Smiling=1,Male=1").toString());
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> Condition.attributes(ATTRS, "Smiling=1,Bald=1"));
        assertEquals("condition: unknown attribute 'Bald'; allowed: Smiling, Eyeglasses, Male", e.getMessage());
        e = assertThrows(VaeforgeException.class, () -> Condition.attributes(ATTRS, "Smiling=2"));
        assertEquals("condition: Smiling needs =0 or =1, got 'Smiling=2'", e.getMessage());
        e = assertThrows(VaeforgeException.class, () -> Condition.attributes(ATTRS, "Male=1,Male=0"));
        assertEquals("condition: Male is given twice", e.getMessage());
        e = assertThrows(VaeforgeException.class, () -> Condition.attributes(LABELS, "square=1"));
        assertTrue(e.getMessage().contains("not on attributes; use label"), e.getMessage());
    }

    @Test
    void specIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ConditionSpec(ConditionKind.LABELS, List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> new ConditionSpec(ConditionKind.ATTRIBUTES, List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConditionSpec(ConditionKind.ATTRIBUTES, List.of("a", "b=1")));
        assertTrue(e.getMessage().contains("'b=1'"), e.getMessage());
        assertEquals(LABELS, ConditionSpec.of(LABELS.toManifest()));
    }

    @Test
    void datasetLabelsAreMatchedByName() {
        // a dataset whose classes are a subset of the model's, in another order
        ArrayDataset data = new ArrayDataset("d", new ImageShape(1, 1, 1), new float[3], new int[] {0, 1, 0},
                List.of("heart", "square"));
        DatasetConditions c = DatasetConditions.of(LABELS, data);
        assertEquals(3, c.dim());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0, 1}, c.range(0, 3));
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, c.batch(new int[] {2, 1, 0}, 1, 2));

        ArrayDataset other = new ArrayDataset("o", new ImageShape(1, 1, 1), new float[2], new int[] {0, 1},
                List.of("heart", "star"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetConditions.of(LABELS, other));
        assertTrue(e.getMessage().contains("has class(es) [star] that the model does not know; its classes: square, "
                + "ellipse, heart"), e.getMessage());
        ArrayDataset none = new ArrayDataset("n", new ImageShape(1, 1, 1), new float[2], null, null);
        e = assertThrows(IllegalArgumentException.class, () -> DatasetConditions.of(LABELS, none));
        assertTrue(e.getMessage().contains("has no class labels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DatasetConditions.of(ATTRS, none));
        assertTrue(e.getMessage().contains("has no attributes"), e.getMessage());
    }

    @Test
    void datasetAttributesAreSelectedByName() {
        List<String> celeba = List.of("Bald", "Eyeglasses", "Male", "Smiling");
        float[][] rows = {{0, 1, 1, 0}, {1, 0, 0, 1}};
        DatasetConditions c = DatasetConditions.attributes(ATTRS, celeba, i -> rows[i]);
        assertArrayEquals(new float[] {0, 1, 1, 1, 0, 0}, c.range(0, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetConditions.attributes(
                new ConditionSpec(ConditionKind.ATTRIBUTES, List.of("Smiling", "Wavy")), celeba, i -> rows[i]));
        assertEquals("the dataset has no attribute 'Wavy'; it has: Bald, Eyeglasses, Male, Smiling", e.getMessage());
    }
}
