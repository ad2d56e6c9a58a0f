package dev.vaeforge.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import dev.vaeforge.runtime.VaeforgeException;
import dev.vaeforge.runtime.bundle.GraphRole;
import dev.vaeforge.runtime.bundle.Manifest;
import dev.vaeforge.runtime.onnx.DType;
import dev.vaeforge.runtime.onnx.GraphBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The one parity mechanism: outputs compared by name, floats by max |diff|, integers exactly. */
class ParityCheckTest {
    private static final Shape SHAPE = new Shape(6, 5);
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    private static List<ParityCheck.Feed> feeds() {
        float[] x = ParityInputs.normal(new Random(3), (int) SHAPE.size());
        return List.of(new ParityCheck.Feed("x", x, SHAPE.getShape()));
    }

    /** x[N,5] -> indices[N] int64 = ArgMax or ArgMin over axis 1. */
    private static byte[] indexGraph(String op) {
        GraphBuilder g = new GraphBuilder("pick");
        String x = g.input("x", DType.FLOAT, -1, 5);
        g.output("indices", g.op(op).in(x).attr("axis", 1L).attr("keepdims", 0L).out("pick"), DType.INT64, -1);
        return g.build(Map.of()).toByteArray();
    }

    private static Block block(java.util.function.Function<NDList, NDList> f) {
        Block b = new LambdaBlock(f);
        b.initialize(manager, DataType.FLOAT32, SHAPE);
        return b;
    }

    @Test
    void floatOutputsAreMatchedByNameNotPosition() {
        // the graph returns b = x + 1 before a = 2x; DJL returns a before b
        GraphBuilder g = new GraphBuilder("two");
        String x = g.input("x", DType.FLOAT, -1, 5);
        g.output("b", g.op("Add").in(x, g.scalar("one", 1f)).out("plus"), DType.FLOAT, -1, 5);
        g.output("a", g.op("Mul").in(x, g.scalar("two", 2f)).out("times"), DType.FLOAT, -1, 5);
        Block djl = block(l -> new NDList(l.singletonOrThrow().mul(2), l.singletonOrThrow().add(1)));
        ParityCheck.Result r = ParityCheck.compare(djl, g.build(Map.of()).toByteArray(), feeds(), "random x",
                ParityCheck.DjlOutputs.positional("a", "b"));
        assertEquals(List.of("a", "b"), r.outputs().stream().map(ParityCheck.OutputDifference::name).toList());
        assertTrue(r.maxAbs() <= 1e-6, "max |diff| " + r.maxAbs());
        // named the wrong way round, the same outputs differ
        ParityCheck.Result swapped = ParityCheck.compare(djl, g.build(Map.of()).toByteArray(), feeds(), "random x",
                ParityCheck.DjlOutputs.positional("b", "a"));
        assertTrue(swapped.maxAbs() > 0.1, "max |diff| " + swapped.maxAbs());
    }

    @Test
    void integerOutputsMustMatchExactly() {
        Block argMax = block(l -> new NDList(l.singletonOrThrow().argMax(1)));
        ParityCheck.Result same = ParityCheck.compare(argMax, indexGraph("ArgMax"), feeds(), "random x, seed 3",
                ParityCheck.DjlOutputs.positional("indices"));
        ParityCheck.OutputDifference d = same.outputs().get(0);
        assertTrue(d.integer());
        assertEquals(6, d.values());
        assertEquals(0, d.mismatches());
        assertFalse(same.firstMismatch().isPresent());
        assertEquals(0.0, same.maxAbs(), "integer outputs are not part of the float difference");

        ParityCheck.Result other = ParityCheck.compare(argMax, indexGraph("ArgMin"), feeds(), "random x, seed 3",
                ParityCheck.DjlOutputs.positional("indices"));
        long mismatches = other.firstMismatch().orElseThrow().mismatches();
        assertEquals(6, mismatches, "argmin and argmax of 5 distinct values never agree");
    }

    @Test
    void aMismatchingIndexRefusesTheExport() {
        Block argMax = block(l -> new NDList(l.singletonOrThrow().argMax(1)));
        byte[] graph = indexGraph("ArgMin");
        ParityCheck.Result r = ParityCheck.compare(argMax, graph, feeds(), "random z_e, seed 3",
                ParityCheck.DjlOutputs.positional("indices"));
        Map<GraphRole, GraphSet.Graph> graphs = new LinkedHashMap<>();
        graphs.put(GraphRole.QUANTIZER, new GraphSet.Graph(graph, List.of(), List.of(), r));
        GraphSet set = new GraphSet(graphs, Manifest.Latent.codes(2, 3, 1, 5), new Manifest.Likelihood("bernoulli", null),
                null, () -> GraphSet.BundlePrior.of(Manifest.Prior.CODES_UNIFORM));
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> Exporter.refuseOnParity(set, Exporter.Options.defaults()));
        assertEquals(VaeforgeException.Code.PARITY, e.code());
        assertEquals("export refused: the quantizer graph picked another code than DJL at 6 of 6 positions"
                + " (random z_e, seed 3); nothing was written", e.getMessage());
    }

    @Test
    void aFloatDifferenceAboveTheToleranceRefusesTheExport() {
        GraphBuilder g = new GraphBuilder("off");
        String x = g.input("x", DType.FLOAT, -1, 5);
        g.output("y", g.op("Add").in(x, g.scalar("eps", 1e-3f)).out("shifted"), DType.FLOAT, -1, 5);
        byte[] graph = g.build(Map.of()).toByteArray();
        Block identity = block(l -> l);
        ParityCheck.Result r = ParityCheck.compare(identity, graph, feeds(), "random x", ParityCheck.DjlOutputs.positional("y"));
        Map<GraphRole, GraphSet.Graph> graphs = new LinkedHashMap<>();
        graphs.put(GraphRole.DECODER, new GraphSet.Graph(graph, List.of(), List.of(), r));
        GraphSet set = new GraphSet(graphs, Manifest.Latent.gaussian(5), new Manifest.Likelihood("bernoulli", null), null,
                () -> GraphSet.BundlePrior.of(Manifest.Prior.STANDARD_NORMAL));
        VaeforgeException e = assertThrows(VaeforgeException.class,
                () -> Exporter.refuseOnParity(set, Exporter.Options.defaults()));
        assertEquals(VaeforgeException.Code.PARITY, e.code());
        assertTrue(e.getMessage().startsWith("export refused: the decoder graph differs from the DJL forward pass by 0.001"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("(max |diff| on 8 random inputs; tolerance 1.0E-4); nothing was written"),
                e.getMessage());
    }
}
