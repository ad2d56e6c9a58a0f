package dev.vaeforge.runtime.quantize;

import java.nio.file.Files;
import java.nio.file.Path;

/** Prints ONNX Runtime's optimised op counts of the given graph files (a development probe, not a test). */
public final class OptimizedGraphProbe {
    public static void main(String[] args) throws Exception {
        for (String a : args) {
            System.out.println(a + " " + OptimizedGraph.opCounts(Files.readAllBytes(Path.of(a))));
        }
    }
}
